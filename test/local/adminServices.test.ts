import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { checkRegistry, type RegistryFiles } from '../../functions/domain/registry/catalog.ts';
import { composeIngest, composeQuery } from '../../functions/runtimes/compose.ts';
import { createAuditLog } from '../../functions/services/audit.ts';
import { importRegistry, openRegistry, registryChanges, registryVersions, rollbackRegistry } from '../../functions/services/registry.ts';
import { createSettings } from '../../functions/services/settings.ts';
import { chiso } from '../helpers/cli.ts';

/**
 * The administrator's services over a real data folder: settings the environment only seeds, a
 * registry rolled back to an earlier version (and what an import would change), the audit log,
 * and `chiso admin create` as a user runs it.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'chiso-admin-services-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const shipped = async (): Promise<RegistryFiles> => {
  const read = (n: string) => readFile(join(root, 'schemas', n), 'utf8');
  return { 'units.csv': await read('units.csv'), 'indicators.csv': await read('indicators.csv'), 'framework.csv': await read('framework.csv'), 'calendar.csv': await read('calendar.csv') };
};

describe('settings', () => {
  it('take environment values only as first values, and keep every change with who and when', async () => {
    const store = new FsObjectStore(join(dir, 'settings'));
    // Each change a second after the one before: the history is ordered by time.
    let tick = Date.parse('2026-12-04T03:00:00Z');
    const at = () => new Date((tick += 1000));
    const first = createSettings(store, at, { ttlMs: 0 });
    await first.seedValues({ public_url: 'https://chiso.phutho.gov.vn', reminder_from: 'not an address' });
    expect(await first.value('public_url')).toBe('https://chiso.phutho.gov.vn');
    expect(await first.value('reminder_from')).toBeNull(); // a bad value seeds nothing
    await first.set('public_url', 'https://chiso.example.vn', { id: 'a1', name: 'Quản trị' }, 'tên miền mới');
    // A later start with another environment changes nothing.
    const later = createSettings(store, at, { ttlMs: 0 });
    await later.seedValues({ public_url: 'https://old.example.vn' });
    expect(await later.value('public_url')).toBe('https://chiso.example.vn');
    expect((await later.history()).map((c) => [c.key, c.value, c.changed_by_name, c.note])).toEqual([
      ['public_url', 'https://chiso.phutho.gov.vn', 'environment', 'environment at first start'],
      ['public_url', 'https://chiso.example.vn', 'Quản trị', 'tên miền mới'],
    ]);
    await expect(later.set('utc_offset_hours', '15', { id: 'a1', name: 'Quản trị' })).rejects.toThrow(/từ -14 đến \+14.*-14 to \+14/);
    await expect(later.set('public_url', 'https://x.vn/path', { id: 'a1', name: 'Quản trị' })).rejects.toThrow(/https:\/\/ten-mien/);
  });

  it('a stored time zone is the deployment\'s from its next start', async () => {
    const dataDir = join(dir, 'zone');
    const store = new FsObjectStore(dataDir);
    await createSettings(store, () => new Date()).set('utc_offset_hours', '9', { id: 'a1', name: 'Quản trị' });
    const services = await composeIngest({ kind: 'local', dataDir, port: 0, utcOffsetHours: 7 }, { now: () => new Date('2026-12-04T16:30:00Z') });
    expect(services.deployment.utcOffsetHours).toBe(9);
    expect(services.clock.today()).toBe('2026-12-05');
    await services.close();
  });
});

describe('the registry', () => {
  it('previews an import\'s changes, then rolls back to an earlier version whole', async () => {
    const store = new FsObjectStore(join(dir, 'registry'));
    const v1files = await shipped();
    const v1 = await importRegistry(store, v1files, new Date('2026-12-01T00:00:00Z'));
    if (v1.status !== 'imported') throw new Error(v1.status);
    const v2files = { ...v1files, 'units.csv': v1files['units.csv'].replace('Phòng Nội vụ,', 'Phòng Nội vụ và Lao động,') + 'xa-moi,Xã Mới,New,commune,,,,\n' };
    const changes = registryChanges(v1.catalog, checkRegistry(v2files).catalog!);
    expect(changes.added).toEqual([{ code: 'xa-moi', name: 'Xã Mới' }]);
    expect(changes.renamed).toEqual([{ code: 'phong-noi-vu', from: 'Phòng Nội vụ', to: 'Phòng Nội vụ và Lao động' }]);
    expect(changes.ceased).toEqual([]);
    const v2 = await importRegistry(store, v2files, new Date('2026-12-02T00:00:00Z'));
    if (v2.status !== 'imported') throw new Error(v2.status);
    const live = await openRegistry(store, () => v1files);
    expect(live.version.version).toBe(v2.version.version);

    expect(await rollbackRegistry(store, '20990101T000000Z-deadbeef', new Date())).toBeNull();
    expect(await rollbackRegistry(store, '../../etc', new Date())).toBeNull();
    const back = await rollbackRegistry(store, v1.version.version, new Date('2026-12-03T00:00:00Z'));
    expect(back?.status).toBe('imported');
    expect(await live.refresh()).toBe(true);
    expect(live.version.version).toBe(v1.version.version);
    expect(live.index.catalog.units.some((u) => u.code === 'xa-moi')).toBe(false);
    expect((await registryVersions(store)).map((v) => v.current)).toEqual([true, false]);
    expect((await rollbackRegistry(store, v1.version.version, new Date()))?.status).toBe('unchanged');
  });
});

describe('the audit log and chiso admin create', () => {
  it('makes the administrator in a terminal, prints its code once and logs it; the log reads newest first', async () => {
    const dataDir = join(dir, 'cli');
    const r = await chiso(['admin', 'create', '--name', 'Anh Minh', '--email', 'minh@phutho.gov.vn', '--data-dir', dataDir], root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^chiso_admin_[\w-]{32}$/);
    expect(r.stderr).toContain('/quan-tri');
    expect((await chiso(['admin', 'create', '--data-dir', dataDir], root)).code).toBe(2);
    const services = await composeIngest({ kind: 'local', dataDir, port: 0, utcOffsetHours: 7 });
    const check = await services.tokens.token(r.stdout.trim());
    expect(check.kind === 'valid' && [check.principal.role, check.principal.name, check.record.email]).toEqual(['admin', 'Anh Minh', 'minh@phutho.gov.vn']);
    const audit = createAuditLog(services.store, () => new Date('2099-01-01T00:00:00Z'));
    await audit.record('setting.change', { id: 'x', name: 'Chị Lan', address: '10.0.0.7' }, { target: 'reminders', detail: 'off' });
    const entries = await audit.list();
    expect(entries.map((e) => [e.action, e.actor_name, e.address])).toEqual([['setting.change', 'Chị Lan', '10.0.0.7'], ['account.create', expect.any(String), null]]);
    expect(entries[1]!.target).toBe(check.kind === 'valid' ? check.record.id : '');
    expect(entries[1]!.detail).toBe('Quản trị viên: Anh Minh'); // in Vietnamese, as the pages write it
    // Only hashes are kept: the code is nowhere in the data folder.
    const { stdout } = await import('node:child_process').then((cp) => new Promise<{ stdout: string }>((resolve) => cp.execFile('grep', ['-rl', r.stdout.trim().slice(12), dataDir], (_e, out) => resolve({ stdout: out }))));
    expect(stdout).toBe('');
    await services.close();
  }, 60_000);
});

describe('the audit log page reads in its own language', () => {
  it('names each object (account holder and unit, registry version, setting, link) and says each detail in Vietnamese or English, old English rows included; the id stays on the object', async () => {
    const dataDir = join(dir, 'audit-page');
    const clock = new Date('2026-12-04T13:50:00Z');
    const services = await composeQuery({ kind: 'local', dataDir, port: 0, utcOffsetHours: 7 }, { now: () => clock });
    try {
      const admin = await services.tokens.issue({ name: 'Chị Hà', role: 'admin', unit: null });
      const unit = services.catalog.catalog.units.find((u) => u.code === 'phong-noi-vu')!;
      const clerk = await services.tokens.issue({ name: 'Trần Thị Lan', role: 'staff', unit: unit.code });
      const clerkId = (await services.tokens.records()).find((r) => r.name === 'Trần Thị Lan')!.id;
      // Rows as the log kept them before: English words and codes.
      let tick = Date.parse('2026-12-04T13:43:20Z');
      const audit = createAuditLog(services.store, () => new Date((tick += 1000)));
      const by = { id: 'a', name: 'Chị Hà', address: '10.0.0.7' };
      await audit.record('account.create', by, { target: clerkId, detail: `staff ${unit.code}: Trần Thị Lan` });
      await audit.record('accounts.bulk', by, { detail: '5 staff, 5 head (5 units)' });
      await audit.record('registry.import', by, { target: '20261204T134320Z-19fe3e85', detail: '33 units' });
      await audit.record('setting.change', by, { target: 'reminders', detail: 'off' });
      await audit.record('link.revoke', by, { target: 'abcdef123456', detail: 'dti_ranking (Chị Lan)' });
      await audit.record('account.create', { id: 'start', name: 'npm start', address: null }, { detail: 'appraiser: Trần Thị Mai' });
      // A change made through the page today: kept in Vietnamese.
      const changed = await services.app.request('/quan-tri/cai-dat/duyet', { method: 'POST', headers: { Authorization: `Bearer ${admin}`, Origin: 'http://localhost' }, body: new URLSearchParams({ required: 'on', earlier: 'published' }) });
      expect(changed.status).toBe(303);
      const kept = (await audit.list()).find((e) => e.target === 'approval_required')!;
      expect(kept.detail).toBe('Bật (báo cáo gửi trước: coi như đã duyệt đến hôm nay)');
      // The saved query shows the same words (its columns unchanged).
      const rows = (await (await services.app.request('/api/queries/admin_audit?format=json', { headers: { Authorization: `Bearer ${admin}` } })).json()) as { target: string; detail: string }[];
      expect(rows.find((r) => r.target === 'approval_required')!.detail).toBe('Bật (báo cáo gửi trước: coi như đã duyệt đến hôm nay)');

      const page = async (lang: 'vi' | 'en') => {
        const res = await services.app.request(`/quan-tri/nhat-ky${lang === 'en' ? '?lang=en' : ''}`, { headers: { Authorization: `Bearer ${admin}` } });
        expect(res.status).toBe(200);
        const text = await res.text();
        const cells = [...text.matchAll(/<tr data-action="([^"]+)">(.*?)<\/tr>/gs)].map((m) => [m[1], [...m[2]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1]!.replace(/&quot;/g, '"'))]);
        return { text, cells: cells as [string, string[]][] };
      };
      const vi = await page('vi');
      const target = (cells: [string, string[]][], action: string) => cells.filter(([a]) => a === action).map(([, c]) => [c[2], c[3]]);
      expect(target(vi.cells, 'account.create')).toEqual([['Trần Thị Mai', 'Thẩm định'], [`Trần Thị Lan — ${unit.nameVi}`, 'Cán bộ nhập báo cáo']]);
      expect(target(vi.cells, 'accounts.bulk')).toEqual([['Mọi đơn vị báo cáo', '5 cán bộ, 5 lãnh đạo (5 đơn vị)']]);
      expect(target(vi.cells, 'registry.import')).toEqual([['Danh mục nhập lúc 04/12/2026 20:43', '33 đơn vị']]);
      expect(target(vi.cells, 'setting.change')).toEqual([['Duyệt báo cáo', 'Bật (báo cáo gửi trước: coi như đã duyệt đến hôm nay)'], ['Gửi nhắc nhở', 'Tắt']]);
      // A link no longer listed: named by its query's title, from the old row's query code.
      expect(target(vi.cells, 'link.revoke')).toEqual([[services.queries.get('dti_ranking')!.title.vi, 'Do Chị Lan tạo']]);
      expect(vi.cells.find(([a, c]) => a === 'account.create' && c[2] === 'Trần Thị Mai')![1][5]).toBe('Dòng lệnh');
      // The ids are kept on the object, for whoever needs them.
      expect(vi.text).toContain(`data-target="${clerkId}" title="${clerkId}"`);
      expect(vi.text).toContain('data-target="20261204T134320Z-19fe3e85"');
      const visible = vi.cells.flatMap(([, c]) => c).join(' | ');
      expect(visible).not.toMatch(/\bunits\b|\bstaff\b|\bhead\b|approval_required|approved as of today|appraiser|20261204T|\boff\b/);
      expect(visible).not.toContain(clerkId);

      const en = await page('en');
      expect(target(en.cells, 'accounts.bulk')).toEqual([['Every reporting unit', '5 clerks, 5 unit heads (5 units)']]);
      expect(target(en.cells, 'setting.change')).toEqual([['Approval', 'On (reports sent before: approved as of today)'], ['Send reminders', 'Off']]);
      expect(target(en.cells, 'registry.import')).toEqual([['Registry imported 04/12/2026 20:43', '33 units']]);
      expect(en.cells.flatMap(([, c]) => c).join(' | ')).not.toMatch(/đơn vị|Bật|Tắt|Cán bộ/);
      void clerk;
    } finally {
      await services.close();
    }
  }, 60_000);
});
