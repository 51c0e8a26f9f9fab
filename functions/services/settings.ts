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

/**
 * The settings an administrator keeps besides approval, each a change with who and when:
 * the public address links are made with, the reminders' sender and whether they go out, the
 * deployment's offset from UTC (read at start: a running process keeps its clock), the issuing
 * body printed at the head of documents (Cơ quan ban hành), and sign-in through the province's
 * identity provider (issuer, client id, where its secret is kept, the claims naming a user's unit
 * and role and the roles the provider may grant).
 */
export const SETTING_KEYS = [
  'public_url', 'reminder_from', 'reminders', 'utc_offset_hours', 'issuing_body',
  'oidc_issuer', 'oidc_client_id', 'oidc_client_secret_ref', 'oidc_unit_claim', 'oidc_role_claim', 'oidc_roles',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** The roles an identity provider's claim may grant: never admin (nor a machine account). */
export const OIDC_ROLES = ['staff', 'head', 'analyst', 'appraiser'] as const;
export type OidcRole = (typeof OIDC_ROLES)[number];

/** The allow-list as stored ("staff, head"), or null when it names anything else. */
export function oidcRoles(value: string): OidcRole[] | null {
  const roles = value.split(',').map((r) => r.trim()).filter(Boolean);
  return roles.length && roles.every((r) => (OIDC_ROLES as readonly string[]).includes(r)) ? [...new Set(roles)] as OidcRole[] : null;
}

/** A value that may be stored for `key`, or why not (vi / en). */
export function settingProblem(key: SettingKey, value: string): { vi: string; en: string } | null {
  if (value === '') return null; // cleared: the deployment's default again
  if (key === 'public_url') {
    let url: URL | null = null;
    try { url = new URL(value); } catch { /* below */ }
    return url && (url.protocol === 'https:' || url.protocol === 'http:') && url.pathname === '/' && !url.search && !url.hash && value === url.origin
      ? null : { vi: 'Địa chỉ công khai phải có dạng https://ten-mien (không có đường dẫn)', en: 'The public address must look like https://host (no path)' };
  }
  if (key === 'reminder_from') return /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(value) ? null : { vi: 'Địa chỉ gửi nhắc nhở không phải e-mail', en: 'The reminders\' sender is not an e-mail address' };
  if (key === 'oidc_issuer') {
    let url: URL | null = null;
    try { url = new URL(value); } catch { /* below */ }
    // https, or plain http on this machine only (a provider started beside it, as in the tests).
    return url && (url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))) && !url.search && !url.hash
      ? null : { vi: 'Địa chỉ nhà cung cấp định danh (issuer) phải là https://…', en: 'The identity provider\'s issuer must be https://…' };
  }
  if (key === 'oidc_client_id') return /^[\x21-\x7e]{1,200}$/.test(value) ? null : { vi: 'Mã ứng dụng (client id) không hợp lệ', en: 'Invalid client id' };
  if (key === 'issuing_body') {
    return value.length <= 200 && !/[\p{Cc}<>]/u.test(value) ? null : { vi: 'Tên cơ quan ban hành: tối đa 200 ký tự, một dòng', en: 'The issuing body: at most 200 characters, one line' };
  }
  if (key === 'oidc_client_secret_ref') {
    // The secret's ARN or name in Secrets Manager, never the secret (settings are readable by SQL);
    // named chiso/oidc…, the only secrets the query function may read (infra/ChisoStack.ts).
    return /^(arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:)?chiso\/oidc[\w/+=.@-]{0,200}$/.test(value)
      ? null : { vi: 'Ghi ARN hoặc tên của khoá bí mật trong Secrets Manager, tên bắt đầu bằng chiso/oidc (không ghi chính khoá bí mật)', en: 'Give the ARN or name of the secret in Secrets Manager, named chiso/oidc… (not the secret itself)' };
  }
  if (key === 'oidc_unit_claim' || key === 'oidc_role_claim') {
    return /^[A-Za-z_][\w.:-]{0,99}$/.test(value) ? null : { vi: 'Tên trường (claim) chỉ gồm chữ, số, _ . : -', en: 'A claim name is letters, digits, _ . : -' };
  }
  if (key === 'oidc_roles') return oidcRoles(value) ? null : { vi: `Vai trò nhận từ nhà cung cấp định danh: một hoặc nhiều trong ${OIDC_ROLES.join(', ')}, cách nhau bởi dấu phẩy (không bao giờ admin)`, en: `Roles the identity provider may grant: one or more of ${OIDC_ROLES.join(', ')}, comma-separated (never admin)` };
  if (key === 'reminders') return value === 'on' || value === 'off' ? null : { vi: 'Nhắc nhở: bật hoặc tắt', en: 'Reminders: on or off' };
  return /^[+-]?\d{1,2}$/.test(value) && Math.abs(Number(value)) <= 14 ? null : { vi: 'Múi giờ là số giờ lệch so với UTC, từ -14 đến +14 (Việt Nam: 7)', en: 'The time zone is whole hours from UTC, -14 to +14 (Vietnam: 7)' };
}

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
  /** A setting's value in force; null when never set (or cleared): the deployment's default. */
  value(key: SettingKey): Promise<string | null>;
  /** The value as last read, without waiting (a request's link address); refreshed in the background. */
  peek(key: SettingKey): string | null;
  /** Records a change (checked by settingProblem first: throws on a bad value). */
  set(key: SettingKey, value: string, by: Changer, note?: string | null): Promise<void>;
  /** Environment values as first values, each only while its key was never recorded. */
  seedValues(values: Partial<Record<SettingKey, string | undefined>>): Promise<void>;
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

  const latest = (changes: SettingChange[], key: string) => {
    const v = changes.filter((c) => c.key === key).at(-1)?.value;
    return v === undefined || v === '' ? null : v;
  };
  let refreshing: Promise<unknown> | null = null;

  return {
    approval,
    history,
    async value(key) {
      return latest(await history(), key);
    },
    peek(key) {
      if ((!cached || Date.now() - cached.at > ttlMs) && !refreshing) {
        refreshing = history().catch((error) => console.error('settings:', error)).finally(() => { refreshing = null; });
      }
      return cached ? latest(cached.changes, key) : null;
    },
    async set(key, value, by, note) {
      const problem = settingProblem(key, value.trim());
      if (problem) throw new Error(`${problem.vi} / ${problem.en}`);
      await record({ key, value: value.trim(), applies_from: null, note: note?.trim() || null, changed_by: by.id, changed_by_name: by.name });
    },
    async seedValues(values) {
      const changes = await history();
      for (const key of SETTING_KEYS) {
        const value = values[key]?.trim();
        if (!value || settingProblem(key, value) || changes.some((c) => c.key === key)) continue;
        await record({ key, value, applies_from: null, note: 'environment at first start', changed_by: 'environment', changed_by_name: 'environment' });
      }
    },
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
