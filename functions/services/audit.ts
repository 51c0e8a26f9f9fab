import { TABLE_LOCATIONS } from '../domain/lakeKeys.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import { readParquetRows } from '../adapters/parquet/readParquet.ts';
import { appendRow } from './appendRow.ts';

/** One administrative action, as kept in the `admin_audit` table. */
export interface AuditEntry {
  action: string;
  target: string | null;
  detail: string | null;
  actor: string;
  actor_name: string;
  address: string | null;
  at: string;
}

export interface Actor { id: string; name: string; address?: string | null }

export interface AuditLog {
  record(action: string, by: Actor, what?: { target?: string | null; detail?: string | null }): Promise<void>;
  /** Every entry, newest first. */
  list(): Promise<AuditEntry[]>;
}

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

/**
 * The administrators' log, one immutable row file each in the lake (the same rows the
 * `admin_audit` table reads): two administrators acting at once each add a file, neither
 * replaces the other's.
 */
export function createAuditLog(store: ObjectStore, now: () => Date): AuditLog {
  return {
    async record(action, by, what = {}) {
      const at = now();
      await appendRow(store, 'admin_audit', {
        action, target: what.target ?? null, detail: what.detail ?? null, actor: by.id, actor_name: by.name, address: by.address ?? null, at,
      }, at);
    },
    async list() {
      const entries: AuditEntry[] = [];
      for await (const o of store.list(TABLE_LOCATIONS.admin_audit)) {
        if (!o.key.endsWith('.parquet')) continue;
        const bytes = await store.get(o.key);
        if (!bytes) continue;
        for (const r of await readParquetRows(bytes)) {
          entries.push({
            action: String(r.action), target: text(r.target), detail: text(r.detail), actor: String(r.actor),
            actor_name: String(r.actor_name), address: text(r.address), at: iso(r.at),
          });
        }
      }
      return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    },
  };
}
