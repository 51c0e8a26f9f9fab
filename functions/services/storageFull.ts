import { lakeKeys } from '../domain/lakeKeys.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import type { IngestResult } from './ingestFile.ts';

/** The disk (or quota) is full: nothing of the file was kept (HTTP 507, "come back later"). */
export class StorageFullError extends Error {
  constructor(readonly detail: string) {
    super(`storage full: ${detail}`);
    this.name = 'StorageFullError';
  }
}

const FULL = /\b(ENOSPC|EDQUOT)\b/;

/** ENOSPC or EDQUOT, thrown in this thread or reported as text by a worker thread. */
export function isStorageFull(error: unknown): boolean {
  if (error instanceof StorageFullError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || FULL.test(error instanceof Error ? error.message : String(error));
}

/** A rejection whose only cause is a full disk is not the file's fault: it is the server's. */
const rejectedForSpace = (r: IngestResult) => r.status === 'rejected' && r.errors.some((e) => e.code === 'WRITE_FAILED' && FULL.test(e.message));

/** Removes every object a submission may have written (partitions, record, answer, original). */
export async function forgetSubmission(store: ObjectStore, submissionId: string): Promise<void> {
  const keys = [lakeKeys.submission(submissionId), lakeKeys.submissionResult(submissionId)];
  for await (const o of store.list(lakeKeys.kpiValuesPrefix)) if (o.key.endsWith(`/${submissionId}.parquet`)) keys.push(o.key);
  for await (const o of store.list(`originals/${submissionId}/`)) keys.push(o.key);
  await Promise.all(keys.map((k) => store.delete(k).catch(() => undefined)));
}

/**
 * Runs one ingest whose submission id is known; a full disk anywhere in it (the original, a
 * partition, the record) becomes a StorageFullError after whatever was written is removed, so a
 * burst on a full disk gets "507, try later" and leaves nothing half-kept.
 */
export async function failWholeOnFullDisk(store: ObjectStore, submissionId: string, fileName: string, run: () => Promise<IngestResult>): Promise<IngestResult> {
  let result: IngestResult;
  try {
    result = await run();
  } catch (error) {
    if (!isStorageFull(error)) throw error;
    await forgetSubmission(store, submissionId);
    console.error(`ổ đĩa đầy / disk full: ${fileName} (${submissionId}) not kept: ${(error as Error).message ?? error}`);
    throw new StorageFullError((error as Error).message ?? String(error));
  }
  if (rejectedForSpace(result)) {
    await forgetSubmission(store, submissionId);
    console.error(`ổ đĩa đầy / disk full: ${fileName} (${submissionId}) not kept`);
    throw new StorageFullError(result.errors[0]!.message);
  }
  return result;
}
