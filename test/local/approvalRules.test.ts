import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeIngest, composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { toRows } from '../../functions/http/render.ts';
import { csvBytes } from '../helpers/workbook.ts';

const demo = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(new URL(`../../demo/${name}`, import.meta.url)));
const local = (dataDir: string, initialApproval?: boolean) => ({ kind: 'local' as const, dataDir, port: 0, utcOffsetHours: 7, initialApproval });

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-approval-rules-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

/** A report of Xã Liên Châu for 2024-Q4 with one share. */
const report = (num: number, unit = 'Xã Liên Châu') => csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,${num},100\n`);
const current = async (s: QueryServices, unit = 'xa-lien-chau') => {
  s.runner.lakeChanged();
  const rows = toRows(await s.runner.runSql(`SELECT value FROM kpi_current WHERE unit = :unit AND period = '2024-Q4' AND indicator_code = 'DOC_ONLINE'`, { unit }));
  return rows.length ? rows[0]!.value : null;
};

describe('approval is a setting with a history, not an environment value', () => {
  it('is seeded by CHISO_APPROVAL at first start only: a face started without it, or with off, changes nothing', async () => {
    const dir = await tempDir();
    const server = await composeQuery(local(dir, true), { now: () => new Date('2025-01-20T02:00:00Z') });
    try {
      for (const seed of [undefined, false]) await composeIngest(local(dir, seed));
      const approval = await server.settings.approval();
      expect(approval.required).toBe(true);
      expect((await server.settings.history()).map((c) => [c.key, c.value, c.changed_by])).toEqual([['approval_required', 'yes', 'environment']]);
      server.runner.lakeChanged();
      expect(toRows(await server.runner.runSql(`SELECT key, value FROM settings`, {}))).toEqual([{ key: 'approval_required', value: 'yes' }]);
    } finally {
      await server.close();
    }
  });

  it('turned on over a lake keeps earlier reports published (or makes them wait when asked); a returned report never comes back', async () => {
    const dir = await tempDir();
    let clock = new Date('2025-01-20T02:00:00Z');
    const tick = () => { clock = new Date(clock.getTime() + 3_600_000); };
    const s = await composeQuery(local(dir), { now: () => clock });
    try {
      const analyst = { id: 'a1', name: 'Chị Lan' };
      expect((await s.settings.approval()).required).toBe(false);
      tick();
      const first = await s.ingest({ bytes: report(80), fileName: 'a.csv' });
      expect(first.status).toBe('accepted');
      expect(await current(s)).toBe(80);

      tick();
      await s.settings.setApproval(true, analyst, { note: 'Quyết định của UBND tỉnh' });
      expect(await current(s)).toBe(80); // sent before: stays published

      tick();
      const second = await s.ingest({ bytes: report(90), fileName: 'b.csv' });
      expect(await current(s)).toBe(80); // waits for its head
      const head = await s.tokens.issue({ name: 'Chủ tịch Liên Châu', role: 'head', unit: 'xa-lien-chau' });
      const form = new FormData();
      form.append('decision', 'returned');
      form.append('comment', 'Sai số liệu');
      tick();
      const decided = await s.app.request(`/duyet/${second.submission_id}`, { method: 'POST', headers: { Authorization: `Bearer ${head}`, Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' }, body: form });
      expect(decided.status).toBe(303);

      tick();
      await s.settings.setApproval(false, analyst);
      expect(await current(s)).toBe(80); // the returned 90 stays out even with approval off

      tick();
      const third = await s.ingest({ bytes: report(85), fileName: 'c.csv' });
      expect(third.status).toBe('accepted');
      expect(await current(s)).toBe(85); // approval off: published at once

      tick();
      await s.settings.setApproval(true, analyst, { earlier: 'pending' });
      expect(await current(s)).toBe(null); // everything waits again, as asked

      expect((await s.settings.history()).map((c) => [c.value, c.changed_by_name, c.note])).toEqual([
        ['yes', 'Chị Lan', 'Quyết định của UBND tỉnh'], ['no', 'Chị Lan', null], ['yes', 'Chị Lan', null],
      ]);
    } finally {
      await s.close();
    }
  });
});

describe('approval and scope, unit by unit', () => {
  let dir: string;
  let s: QueryServices;
  let clock = new Date('2026-10-20T02:00:00Z');
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    dir = await tempDir();
    s = await composeQuery(local(dir, true), { now: () => clock });
    tokens.analyst = await s.tokens.issue({ name: 'Chị Lan', role: 'analyst', unit: null });
    for (const unit of ['xa-lien-chau', 'xa-dai-tu', 'xa-te-lo', 'xa-lien-chau-2025', 'xa-yen-lac']) {
      tokens[`head:${unit}`] = await s.tokens.issue({ name: `Chủ tịch ${unit}`, role: 'head', unit });
      tokens[`staff:${unit}`] = await s.tokens.issue({ name: `Văn thư ${unit}`, role: 'staff', unit });
    }
  });
  afterAll(async () => { await s.close(); });

  const tick = () => { clock = new Date(clock.getTime() + 60_000); };
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const put = (who: string, bytes: Uint8Array<ArrayBuffer>, name: string) => { tick(); return s.app.request(`/api/submissions?filename=${encodeURIComponent(name)}`, { method: 'PUT', headers: auth(who), body: bytes }); };
  const decide = (who: string, id: string, decision: string, extra: Record<string, string> = {}) => {
    tick();
    const form = new FormData();
    form.append('decision', decision);
    for (const [k, v] of Object.entries({ comment: '', ...extra })) form.append(k, v);
    return s.app.request(`/duyet/${id}`, { method: 'POST', headers: { ...auth(who), Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' }, body: form });
  };

  it('a head submits for their own unit only, and never an appraisal; a duplicate answer comes after both checks', async () => {
    const other = await put('head:xa-dai-tu', report(70), 'lc.csv');
    expect(other.status).toBe(422);
    expect(((await other.json()) as { errors: { code: string }[] }).errors.map((e) => e.code)).toEqual(['UNIT_NOT_ALLOWED']);

    const appraisal = demo('tham-dinh-xa-lien-chau-quy-III-2026.xlsx');
    const byHead = await put('head:xa-lien-chau-2025', appraisal, 'tham-dinh.xlsx');
    expect(byHead.status).toBe(422);
    expect(((await byHead.json()) as { errors: { code: string }[] }).errors.map((e) => e.code)).toEqual(['APPRAISAL_BY_PROVINCE_ONLY']);
    expect((await put('analyst', appraisal, 'tham-dinh.xlsx')).status).toBe(201);
    // The same bytes again from the unit: refused, not "accepted before".
    for (const who of ['head:xa-lien-chau-2025', 'staff:xa-lien-chau-2025']) {
      const again = await put(who, appraisal, 'tham-dinh.xlsx');
      expect(again.status, who).toBe(422);
    }
    expect((await put('analyst', appraisal, 'tham-dinh.xlsx')).status).toBe(200);
  });

  it('a self-assessment reaches leaders only once approved, and leaves again when returned', async () => {
    const selfPoints = async () => {
      s.runner.lakeChanged();
      const rows = toRows((await s.runner.run(s.queries.get('dti_ranking')!, { period: '2026-Q3', group: '' })).table);
      return rows.find((r) => r.unit === 'xa-lien-chau-2025')?.self_total_points ?? null;
    };
    const sent = await put('staff:xa-lien-chau-2025', demo('tu-cham-diem-xa-lien-chau-quy-III-2026.xlsx'), 'tu-cham.xlsx');
    expect(sent.status).toBe(201);
    const id = ((await sent.json()) as { submission_id: string }).submission_id;
    expect(await selfPoints()).toBeNull();
    expect(toRows(await s.runner.runSql(`SELECT count(*) AS n FROM kpi_assessed WHERE unit = 'xa-lien-chau-2025' AND assessment = 'self'`, {}))).toEqual([{ n: 0 }]);
    expect((await decide('head:xa-lien-chau-2025', id, 'approved')).status).toBe(303);
    const approved = await selfPoints();
    expect(approved).toBeGreaterThan(0);
    // Once made, a decision changes only through an explicit re-decision with its reason.
    expect((await decide('head:xa-lien-chau-2025', id, 'returned', { comment: 'Nhầm' })).status).toBe(409);
    expect(await selfPoints()).toBe(approved);
    expect((await decide('head:xa-lien-chau-2025', id, 'returned', { change: '1' })).status).toBe(400);
    expect((await decide('head:xa-lien-chau-2025', id, 'returned', { change: '1', comment: 'Thiếu tài liệu kiểm chứng' })).status).toBe(303);
    expect(await selfPoints()).toBeNull();
  });

  it('a file of several units is approved unit by unit: each head decides for their own rows, an analyst for the others', async () => {
    const district = csvBytes([
      'Đơn vị,Kỳ báo cáo,Chỉ tiêu,Tử số,Mẫu số',
      'Xã Liên Châu,Quý IV/2024,DOC_ONLINE,61,100',
      'Xã Đại Tự,Quý IV/2024,DOC_ONLINE,62,100',
      'Xã Tề Lỗ,Quý IV/2024,DOC_ONLINE,63,100',
    ].join('\n') + '\n');
    const sent = await put('analyst', district, 'tong-hop-huyen.csv');
    expect(sent.status).toBe(201);
    const id = ((await sent.json()) as { submission_id: string }).submission_id;
    const values = async () => Promise.all(['xa-lien-chau', 'xa-dai-tu', 'xa-te-lo'].map((u) => current(s, u)));
    expect(await values()).toEqual([null, null, null]);

    expect((await decide('head:xa-lien-chau', id, 'approved')).status).toBe(303);
    expect(await values()).toEqual([61, null, null]); // the others wait for their own heads
    const otherHead = await (await s.app.request('/duyet', { headers: auth('head:xa-dai-tu') })).text();
    expect(otherHead).toContain(`<article class="review" data-submission="${id}" data-unit="xa-dai-tu">`);
    expect((await decide('head:xa-dai-tu', id, 'returned', { comment: 'Số liệu của xã chưa đúng' })).status).toBe(303);
    expect(await values()).toEqual([61, null, null]);
    // A head cannot decide another unit's rows by naming it; an analyst can, for a file of several units.
    expect((await decide('head:xa-lien-chau', id, 'approved', { unit: 'xa-te-lo', change: '1', comment: 'x' })).status).toBe(303);
    expect(await values()).toEqual([61, null, null]);
    expect((await decide('analyst', id, 'approved', { unit: 'xa-te-lo' })).status).toBe(303);
    expect(await values()).toEqual([61, null, 63]);

    // A clerk may not download a file that holds other units' values; its sender may.
    expect((await s.app.request(`/nop/tep/${id}`, { headers: auth('staff:xa-lien-chau') })).status).toBe(404);
    const log = (await (await s.app.request('/api/queries/approval_log?from=2026-10-01&to=2026-10-31', { headers: auth('analyst') })).json()) as Record<string, unknown>[];
    expect(log.filter((r) => r.submission_id === id).map((r) => [r.unit, r.decision]).sort()).toEqual([
      ['xa-dai-tu', 'returned'], ['xa-lien-chau', 'approved'], ['xa-lien-chau', 'approved'], ['xa-te-lo', 'approved'],
    ]);
  });

  it('a unit and period have one status: waiting for approval is "not reported" in timeliness and in the missing list alike', async () => {
    const sent = await put('staff:xa-yen-lac', csvBytes('Đơn vị: Xã Yên Lạc\nKỳ báo cáo: Quý III/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,50,100\n'), 'yl.csv');
    expect(sent.status).toBe(201);
    const id = ((await sent.json()) as { submission_id: string }).submission_id;
    const statuses = async () => {
      s.runner.lakeChanged();
      const timeliness = toRows((await s.runner.run(s.queries.get('reporting_timeliness')!, { period: '2026-Q3', as_of: '2026-10-20' })).table);
      const missing = toRows((await s.runner.run(s.queries.get('missing_submissions')!, { period: '2026-Q3', as_of: '2026-10-20' })).table);
      return [timeliness.find((r) => r.unit === 'xa-yen-lac')?.status_code, missing.some((r) => r.unit === 'xa-yen-lac')];
    };
    expect(await statuses()).toEqual(['missing', true]);
    expect((await decide('head:xa-yen-lac', id, 'approved')).status).toBe(303);
    expect(await statuses()).toEqual(['late', false]);
  });
});
