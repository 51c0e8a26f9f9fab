import { TABLE_LOCATIONS } from '../domain/lakeKeys.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import { readParquetRows } from '../adapters/parquet/readParquet.ts';
import { appendRow } from './appendRow.ts';

/** One change of a setting, as kept in the `setting_changes` table. */
export interface SettingChange {
  key: string;
  value: string;
  applies_from: string | null;
  note: string | null;
  changed_by: string;
  changed_by_name: string;
  changed_at: string;
}

/** Whether accepted reports wait for their unit head, and since when (earlier ones stay published). */
export interface ApprovalSetting {
  required: boolean;
  /** Reports submitted before this instant count as published; null when approval is off. */
  appliesFrom: string | null;
  /** The change in force, or null when none was ever recorded (approval off). */
  change: SettingChange | null;
}

/** What becomes of the reports sent before approval was turned on. */
export type EarlierReports = 'published' | 'pending';

export interface Changer { id: string; name: string }

export interface SettingsService {
  approval(): Promise<ApprovalSetting>;
  /** Every change, oldest first. */
  history(): Promise<SettingChange[]>;
  setApproval(required: boolean, by: Changer, options?: { earlier?: EarlierReports; note?: string | null }): Promise<ApprovalSetting>;
  /**
   * An environment value (CHISO_APPROVAL) seeds the setting while none was ever recorded, never
   * after: a later process started without it cannot turn approval off.
   */
  seed(required: boolean | undefined): Promise<void>;
}

const APPROVAL = 'approval_required';
const FIRST_INSTANT = '0001-01-01T00:00:00.000Z';
const iso = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

/**
 * The deployment's settings, read from their history in the lake (a few small files): the same
 * rows the SQL reads (`settings` view), so pages and queries never disagree. Kept for `ttlMs`;
 * this process's own change is visible to its next read.
 */
export function createSettings(store: ObjectStore, now: () => Date, options: { ttlMs?: number } = {}): SettingsService {
  const ttlMs = options.ttlMs ?? 1000;
  let cached: { at: number; changes: SettingChange[] } | null = null;

  async function history(): Promise<SettingChange[]> {
    if (cached && Date.now() - cached.at <= ttlMs) return cached.changes;
    const changes: SettingChange[] = [];
    for await (const o of store.list(TABLE_LOCATIONS.setting_changes)) {
      if (!o.key.endsWith('.parquet')) continue;
      const bytes = await store.get(o.key);
      if (!bytes) continue;
      for (const r of await readParquetRows(bytes)) {
        changes.push({
          key: String(r.key), value: String(r.value), applies_from: iso(r.applies_from), note: r.note === null || r.note === undefined ? null : String(r.note),
          changed_by: String(r.changed_by), changed_by_name: String(r.changed_by_name), changed_at: iso(r.changed_at)!,
        });
      }
    }
    // The same order as the view's: by time, then by the file's name (written with the time).
    changes.sort((a, b) => (a.changed_at < b.changed_at ? -1 : a.changed_at > b.changed_at ? 1 : 0));
    cached = { at: Date.now(), changes };
    return changes;
  }

  async function approval(): Promise<ApprovalSetting> {
    const change = (await history()).filter((c) => c.key === APPROVAL).at(-1) ?? null;
    const required = change?.value === 'yes';
    return { required, appliesFrom: required ? change!.applies_from ?? FIRST_INSTANT : null, change };
  }

  async function record(row: Omit<SettingChange, 'changed_at'>, at = now()): Promise<void> {
    await appendRow(store, 'setting_changes', { ...row, applies_from: row.applies_from ? new Date(row.applies_from) : null, changed_at: at }, at);
    cached = null;
  }

  return {
    approval,
    history,
    async setApproval(required, by, options = {}) {
      const at = now();
      // Turned on: what was sent before stays published, unless asked to wait too.
      const appliesFrom = required ? (options.earlier === 'pending' ? FIRST_INSTANT : at.toISOString()) : null;
      await record({ key: APPROVAL, value: required ? 'yes' : 'no', applies_from: appliesFrom, note: options.note?.trim() || null, changed_by: by.id, changed_by_name: by.name }, at);
      return approval();
    },
    async seed(required) {
      if (required === undefined) return;
      if ((await history()).some((c) => c.key === APPROVAL)) return;
      const at = now();
      await record({
        key: APPROVAL, value: required ? 'yes' : 'no', applies_from: required ? at.toISOString() : null,
        note: 'CHISO_APPROVAL at first start', changed_by: 'environment', changed_by_name: 'CHISO_APPROVAL',
      }, at);
    },
  };
}
