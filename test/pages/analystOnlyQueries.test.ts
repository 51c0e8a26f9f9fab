import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { composeQuery } from '../../functions/runtimes/compose.ts';
import { StoreLinkRegistry, storedLinkSecret } from '../../functions/services/accessStore.ts';
import { createAuditLog } from '../../functions/services/audit.ts';
import { createLeaderLink, LinkRefusedError } from '../../functions/services/leaderLinks.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * Saved queries kept to some roles (`audience` in their header): pending values and a value's
 * provenance for analysts, the administrators' log for administrators. A leader's link to them is
 * refused when made and when opened; the API refuses other roles; /q shows analysts theirs only.
 */
let t: Awaited<ReturnType<typeof start>>;
beforeAll(async () => { t = await start(); }, 120_000);
afterAll(async () => { await t?.close(); });

/** A fresh lake with approval on and Xã Tề Lỗ's Quý III/2026 report waiting for its head (DOC_ONLINE 63 of 100). */
async function start() {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-audience-'));
  // An administrator's action before the server starts. (A deployment's very first entry, made
  // while DuckDB runs, is read only after a restart: its view was defined over no file; reported.)
  await createAuditLog(new FsObjectStore(dir), () => new Date('2026-10-19T02:00:00Z'))
    .record('setting.change', { id: 'cli:test', name: 'Quản trị thử', address: '10.0.0.7' }, { target: 'approval_required', detail: 'yes' });
  const services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7, initialApproval: true }, { now: () => new Date('2026-10-20T02:00:00Z') });
  const issue = (role: 'analyst' | 'staff' | 'head' | 'admin', unit: string | null = null) => services.tokens.issue({ name: `Thử ${role}`, role, unit });
  const tokens = {
    analyst: await issue('analyst'), staff: await issue('staff', 'xa-te-lo-2025'), head: await issue('head', 'xa-te-lo-2025'), admin: await issue('admin'),
    // A data-sharing platform whose scope (wrongly) names the analysts' queries: still refused them.
    machine: await services.tokens.issue({ name: 'Nền tảng chia sẻ', role: 'machine', unit: null, scope: { queries: ['pending_values', 'value_provenance', 'district_scorecard'], units: 'all' } }),
  };
  const body = csvBytes('Đơn vị: Xã Tề Lỗ\nKỳ báo cáo: Quý III/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,63,100\n');
  const sent = await services.app.request('/api/submissions?filename=te-lo-quy-III.csv', { method: 'PUT', headers: { Authorization: `Bearer ${tokens.staff}` }, body });
  expect(sent.status).toBe(201);
  services.runner.lakeChanged();
  return { services, tokens, dir, close: async () => { await services.close(); await rm(dir, { recursive: true, force: true }); } };
}

const as = (token: string, path: string, init: RequestInit = {}) => t.services.app.request(path, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
const problemOf = async (r: Response) => ((await r.json()) as { error: { code: string; message_vi: string; message_en: string } }).error;

describe('the API', () => {
  it('answers an analyst the pending value, and refuses machines, clerks and heads in both languages', async () => {
    const ok = await as(t.tokens.analyst, '/api/queries/pending_values?period=2026-Q3');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual([expect.objectContaining({ unit: 'xa-te-lo-2025', indicator_code: 'DOC_ONLINE', value: 63, status_code: 'pending', status: 'Chờ duyệt' })]);
    for (const path of ['pending_values?period=2026-Q3', 'value_provenance?period=2026-Q3&unit=xa-te-lo-2025&indicator=DOC_ONLINE']) {
      const name = path.split('?')[0]!;
      const refused = await as(t.tokens.machine, `/api/queries/${path}`);
      expect(refused.status, `machine ${name}`).toBe(403);
      expect(JSON.stringify(await refused.json())).not.toContain('63');
    }
    for (const who of ['staff', 'head'] as const) {
      for (const name of ['pending_values', 'value_provenance']) {
        const refused = await as(t.tokens[who], `/api/queries/${name}?period=2026-Q3&unit=xa-te-lo-2025&indicator=DOC_ONLINE`);
        expect(refused.status, `${who} ${name}`).toBe(403);
        const error = await problemOf(refused);
        expect(error.message_vi).toBe('Truy vấn này chỉ dành cho chuyên viên phân tích');
        expect(error.message_en).toBe('This query is for analysts only');
      }
    }
  });

  it('lists an analyst the queries kept to analysts, saying so, and not the administrators\' log', async () => {
    const list = (await (await as(t.tokens.analyst, '/api/queries')).json()) as { name: string; audience?: string[] }[];
    expect(list.find((q) => q.name === 'pending_values')?.audience).toEqual(['analyst']);
    expect(list.find((q) => q.name === 'value_provenance')?.audience).toEqual(['analyst']);
    expect(list.find((q) => q.name === 'district_scorecard')).not.toHaveProperty('audience');
    expect(list.some((q) => q.name === 'admin_audit')).toBe(false);
  });

  it('gives the administrators\' log to administrators only: who, what, from where', async () => {
    const refused = await as(t.tokens.analyst, '/api/queries/admin_audit');
    expect(refused.status).toBe(403);
    expect((await problemOf(refused)).message_vi).toBe('Truy vấn này chỉ dành cho quản trị viên');
    expect((await as(t.tokens.staff, '/api/queries/admin_audit')).status).toBe(403);
    const ok = await as(t.tokens.admin, '/api/queries/admin_audit?from=2026-01-01&to=2026-12-31');
    expect(ok.status).toBe(200);
    const rows = (await ok.json()) as Record<string, unknown>[];
    expect(rows).toContainEqual(expect.objectContaining({ action: 'setting.change', target: 'approval_required', actor_name: 'Quản trị thử', address: '10.0.0.7' }));
    // An administrator still runs no other saved query through the API.
    expect((await as(t.tokens.admin, '/api/queries/district_scorecard?period=2026-Q3')).status).toBe(403);
  });
});

describe('leaders\' links', () => {
  it('are refused when made, by the API and by the page, and the page offers no share form', async () => {
    const api = await as(t.tokens.analyst, '/api/links', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: 'pending_values', params: { period: '2026-Q3' } }) });
    expect(api.status).toBe(403);
    expect(await problemOf(api)).toMatchObject({ code: 'NOT_SHAREABLE', message_vi: expect.stringContaining('không chia sẻ cho lãnh đạo') });
    const page = await as(t.tokens.analyst, '/q/pending_values?period=2026-Q3');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-not-shareable');
    // Its unit is picked by name, blank meaning every unit, never typed as a code.
    expect(html).toMatch(/<select id="p-unit" name="unit"><option value="" selected>Mọi đơn vị<\/option>/);
    expect(html).toMatch(/<option value="xa-te-lo-2025">Xã Tề Lỗ \(01\/07\/2025 – nay\)<\/option>/);
    expect(html).toContain('<p class="meta">Kỳ báo cáo: Quý III/2026</p>');
    const one = await (await as(t.tokens.analyst, '/q/pending_values?period=2026-Q3&unit=xa-te-lo-2025')).text();
    expect(one).toContain('<p class="meta">Kỳ báo cáo: Quý III/2026 · Đơn vị: Xã Tề Lỗ</p>');
    expect(html).not.toContain('/q/pending_values/share');
    const post = await as(t.tokens.analyst, '/q/pending_values/share?period=2026-Q3', { method: 'POST', body: new URLSearchParams({ days: '30' }) });
    expect(post.status).toBe(403);
    expect(await post.text()).toContain('Không chia sẻ được');
    expect((await (await as(t.tokens.analyst, '/api/links')).json())).toEqual([]);
    // The service itself refuses, whoever calls it with the saved queries.
    const deps = { links: new StoreLinkRegistry(t.services.store), linkSecret: await storedLinkSecret(t.services.store), now: () => new Date('2026-10-20T02:00:00Z'), queries: t.services.queries };
    await expect(createLeaderLink(deps, { id: 'a', name: 'A', role: 'analyst', unit: null }, 'http://x', { query: 'value_provenance', params: {}, expiresInSeconds: 3600 })).rejects.toBeInstanceOf(LinkRefusedError);
  });

  it('are refused when opened, however they were signed', async () => {
    // Signed without the check (as the digest re-links): opening it still shows no pending value.
    const deps = { links: new StoreLinkRegistry(t.services.store), linkSecret: await storedLinkSecret(t.services.store), now: () => new Date('2026-10-20T02:00:00Z') };
    const link = await createLeaderLink(deps, { id: 'a', name: 'Chị Lan', role: 'analyst', unit: null }, 'http://127.0.0.1', { query: 'pending_values', params: { period: '2026-Q3', unit: '' }, expiresInSeconds: 3600 });
    const path = new URL(link.url).pathname;
    for (const at of [path, `${path}/s/0/data.csv`, `${path}/s/0/data.xlsx`, `${path}/s/0/chart.svg`]) {
      const opened = await t.services.app.request(at);
      expect(opened.status, at).toBe(403);
      const text = await opened.text();
      expect(text, at).toContain('không chia sẻ cho lãnh đạo được');
      expect(text, at).not.toContain('63');
    }
    // An open query's link still opens.
    const open = await createLeaderLink({ ...deps, queries: t.services.queries }, { id: 'a', name: 'Chị Lan', role: 'analyst', unit: null }, 'http://127.0.0.1', { query: 'district_scorecard', params: { period: '2026-Q3' }, expiresInSeconds: 3600 });
    expect((await t.services.app.request(new URL(open.url).pathname)).status).toBe(200);
  });
});

describe('/q for an analyst', () => {
  it('has cards for the queries kept to analysts, none for the administrators\' log, which is refused', async () => {
    const html = await (await as(t.tokens.analyst, '/q')).text();
    expect(html).toContain('data-query="pending_values"');
    expect(html).toContain('data-query="value_provenance"');
    expect(html).not.toContain('admin_audit');
    const refused = await as(t.tokens.analyst, '/q/admin_audit');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Truy vấn này chỉ dành cho quản trị viên');
    expect((await as(t.tokens.analyst, '/q/admin_audit/s/0/data.csv')).status).toBe(403);
  });

  it('shows the waiting value on the scorecard and in its provenance, both read through sql/', async () => {
    const scorecard = await (await as(t.tokens.analyst, '/q/district_scorecard?period=2026-Q3')).text();
    expect(scorecard).toMatch(/data-indicator="DOC_ONLINE" data-pending="63"/);
    const provenance = await (await as(t.tokens.analyst, '/q/provenance?unit=xa-te-lo-2025&period=2026-Q3&indicator=DOC_ONLINE')).text();
    expect(provenance).toContain('te-lo-quy-III.csv');
    expect(provenance).toMatch(/<td class="num">63 \(63\/100\)<\/td>/);
  });
});
