import { lakeKeys, SUBMISSION_ID } from '../domain/lakeKeys.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';


/**
 * Removes what an ingest that died before its commit left in the lake, on any store (the lake
 * bucket nightly on AWS): partition files and originals of submissions that have no record,
 * older than `graceMs` (an ingest may be writing right now). Nothing reads them (the record is
 * the commit, manifests name committed files only); this keeps them from piling up.
 */
export async function sweepUncommitted(store: ObjectStore, options: { graceMs?: number; now?: Date } = {}): Promise<{ removed: number }> {
  const cutoff = (options.now ?? new Date()).getTime() - (options.graceMs ?? 60 * 60_000);
  const committed = new Set<string>();
  for await (const o of store.list(lakeKeys.submissionsPrefix)) {
    const id = SUBMISSION_ID.exec(o.key)?.[0];
    if (id) committed.add(id);
  }
  let removed = 0;
  for (const prefix of [lakeKeys.kpiValuesPrefix, 'originals/']) {
    for await (const o of store.list(prefix)) {
      const id = SUBMISSION_ID.exec(o.key.slice(prefix.length))?.[0];
      if (!id || committed.has(id)) continue;
      if (!o.modified || o.modified.getTime() > cutoff) continue;
      await store.delete(o.key);
      removed++;
    }
  }
  return { removed };
}
