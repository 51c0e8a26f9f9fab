import { S3Client } from '@aws-sdk/client-s3';
import { GlueClient } from '@aws-sdk/client-glue';
import type { S3Event } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { loadDefaultCatalog } from '../../schemas/catalog.ts';
import { ObjectExistsError } from '../adapters/ObjectStore.ts';
import { decodeEventKey, S3ObjectStore } from '../adapters/S3ObjectStore.ts';
import { GluePartitions } from '../adapters/GluePartitions.ts';
import { indexCatalog } from '../core/ingestContext.ts';
import { ingestFile, type IngestDeps, type IngestResult } from './ingestFile.ts';
import { lakeKeys } from './lakeKeys.ts';

/** Read once per container: the edge of the ingest function. */
const env = {
  lakeBucket: process.env.LAKE_BUCKET!,
  database: process.env.GLUE_DATABASE!,
  utcOffsetHours: Number(process.env.CHISO_UTC_OFFSET_HOURS ?? 7),
};
const s3 = new S3Client({});
const lake = new S3ObjectStore(s3, env.lakeBucket);
const partitions = new GluePartitions(new GlueClient({}), env.database, 'kpi_values', `s3://${env.lakeBucket}/${lakeKeys.kpiValuesPrefix}`);
const deps: IngestDeps = { store: lake, catalog: indexCatalog(loadDefaultCatalog()), now: () => new Date(), utcOffsetHours: env.utcOffsetHours };

/**
 * A file landed under uploads/ in the upload bucket. The same event delivered twice ingests once
 * (a claim written with If-None-Match); a failure releases the claim and is retried by Lambda,
 * then kept in the on-failure queue.
 */
export async function handler(event: S3Event): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = decodeEventKey(record.s3.object.key);
    if (!key.startsWith(lakeKeys.uploadsPrefix) || key.endsWith('/')) continue;
    const version = record.s3.object.versionId ?? null;
    const claim = `state/events/${createHash('sha256').update(`${bucket}/${key}/${version ?? record.s3.object.eTag}`).digest('hex')}`;
    try {
      await lake.put(claim, JSON.stringify({ bucket, key, version, at: new Date().toISOString() }), { ifAbsent: true });
    } catch (error) {
      if (error instanceof ObjectExistsError) continue; // this event was handled already
      throw error;
    }
    try {
      const uploads = new S3ObjectStore(s3, bucket);
      const object = await uploads.getVersion(key, version ?? undefined);
      if (!object) continue;
      const result = await ingestFile({
        bytes: object.bytes,
        fileName: key.split('/').pop()!,
        source: { key: `s3://${bucket}/${key}`, version: object.versionId },
        submittedAt: new Date(record.eventTime),
        submittedBy: record.userIdentity?.principalId ?? null,
      }, deps);
      await partitions.register(result.partitions);
      console.log(JSON.stringify({ file: key, status: result.status, submission_id: result.submission_id, rows: result.rows, errors: result.errors.length }));
      results.push(result);
    } catch (error) {
      await lake.delete(claim).catch(() => undefined);
      throw error;
    }
  }
  return results;
}
