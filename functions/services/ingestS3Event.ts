import type { S3Event } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { ObjectExistsError, type ObjectStore } from '../ports/ObjectStore.ts';
import { decodeEventKey, type S3ObjectStore } from '../adapters/stores/S3ObjectStore.ts';
import type { IngestInput, IngestResult } from './ingestFile.ts';
import { lakeKeys } from '../domain/lakeKeys.ts';

export interface S3IngestDeps {
  store: ObjectStore;
  /** The bucket an event names, to read the upload from (and never write). */
  uploads: (bucket: string) => Pick<S3ObjectStore, 'getVersion'>;
  /** Ingests one file and makes its partitions queryable (the composition root's ingest). */
  ingest: (input: IngestInput) => Promise<IngestResult>;
}

/**
 * A file landed under uploads/ in the upload bucket. The same event delivered twice ingests once
 * (a claim written with If-None-Match, and the same bytes are recognised anyway); a failure
 * releases the claim and is retried by Lambda, then kept in the on-failure queue.
 */
export function createS3IngestHandler(deps: S3IngestDeps) {
  return async (event: S3Event): Promise<IngestResult[]> => {
    const results: IngestResult[] = [];
    for (const record of event.Records) {
      const bucket = record.s3.bucket.name;
      const key = decodeEventKey(record.s3.object.key);
      if (!key.startsWith(lakeKeys.uploadsPrefix) || key.endsWith('/')) continue;
      const version = record.s3.object.versionId ?? null;
      const claim = `state/events/${createHash('sha256').update(`${bucket}/${key}/${version ?? record.s3.object.eTag}/${record.s3.object.sequencer}`).digest('hex')}`;
      try {
        await deps.store.put(claim, JSON.stringify({ bucket, key, version, at: new Date().toISOString() }), { ifAbsent: true });
      } catch (error) {
        if (error instanceof ObjectExistsError) continue; // handled already
        throw error;
      }
      try {
        const object = await deps.uploads(bucket).getVersion(key, version ?? undefined);
        if (!object) continue; // deleted before we got to it
        const result = await deps.ingest({
          bytes: object.bytes,
          fileName: key.split('/').pop()!,
          source: { key: `s3://${bucket}/${key}`, version: object.versionId },
          submittedAt: new Date(record.eventTime),
          submittedBy: record.userIdentity?.principalId ?? null,
        });
        console.log(JSON.stringify({ file: key, status: result.status, submission_id: result.submission_id, rows: result.rows, errors: result.errors.length }));
        results.push(result);
      } catch (error) {
        await deps.store.delete(claim).catch(() => undefined);
        throw error;
      }
    }
    return results;
  };
}
