import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { importRegistry } from '../../functions/services/registry.ts';
import { PROVINCE_FILES, provinceReport } from '../helpers/provinceRegistry.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * A leader subscribed to the DTI ranking of a published period gets the decision's figures, with
 * its note, as the link shows them; a correction sent after the decision changes the live answer,
 * not the digest. (Quarterly reports due 10 days after the quarter: 2026-Q3's data is in by 25/10.)
 */
let work: string;
let services: QueryServices;
let analyst: string;
const clock = new Date('2026-10-25T03:00:00Z');
const auth = () => ({ Authorization: `Bearer ${analyst}`, 'Content-Type': 'application/json' });
const report = async (rows: Parameters<typeof provinceReport>[1], fileName: string) => {
  expect((await services.ingest({ bytes: csvBytes(provinceReport('Quý III/2026', rows)), fileName })).errors).toEqual([]);
  services.runner.lakeChanged();
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chiso-digest-published-'));
  expect((await importRegistry(new FsObjectStore(work), { ...PROVINCE_FILES, 'calendar.csv': 'frequency,deadline_days,cutoff_day,period,deadline\nquarter,10,,,\n' }, clock)).status).toBe('imported');
  services = await composeQuery({ kind: 'local', dataDir: work, port: 0, utcOffsetHours: 7 }, { now: () => clock, publicOrigin: () => 'https://chiso.example.gov.vn' });
  analyst = await services.tokens.issue({ name: 'Chị Lan', role: 'analyst', unit: null });
  await report([
    ['so-noi-vu', 50, true], ['so-tai-chinh', 100, true], ['thanh-tra-tinh', 100, true], ['cong-an-tinh', 100, true],
    ['phuong-viet-tri', 80, true], ['xa-yen-lac', 60, false], ['xa-te-lo', 30, false],
  ], 'tong-hop.csv');
}, 60_000);
afterAll(async () => {
  await services?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a digest of a published period', () => {
  it('carries the decision\'s note and its figures, not a correction sent afterwards', async () => {
    const made = await services.app.request('/api/links', { method: 'POST', headers: auth(), body: JSON.stringify({ query: 'dti_ranking', params: { period: '2026-Q3' }, expires_in: 60 * 86400 }) });
    const link = (await made.json()) as { id: string };
    // What a digest would say today, before any decision: the live figures, no note.
    const live = await services.app.request(`/api/links/${link.id}/digest`, { method: 'POST', headers: auth(), body: JSON.stringify({ email: 'truoc@phutho.gov.vn' }) });
    expect(live.status).toBe(201);
    const before = (await services.remind()).digests.sent;
    expect(before).toHaveLength(1);
    expect(before[0]!.message.body).not.toContain('Quyết định');

    const published = await services.app.request('/api/publications', { method: 'POST', headers: auth(),
      body: JSON.stringify({ period: '2026-Q3', decision_number: '123/QĐ-UBND', decision_date: '2026-10-20', issuing_body: 'Ủy ban nhân dân tỉnh Phú Thọ' }) });
    expect(published.status).toBe(201);
    // Xã Tề Lỗ corrects its report after the decision: the lowest commune no longer.
    await report([['xa-te-lo', 95, true]], 'te-lo-sua.csv');
    expect((await services.app.request(`/api/links/${link.id}/digest`, { method: 'POST', headers: auth(), body: JSON.stringify({ email: 'chu.tich@phutho.gov.vn' }) })).status).toBe(201);
    const [sent] = (await services.remind()).digests.sent;
    expect(sent!.message.to).toEqual(['chu.tich@phutho.gov.vn']);
    expect(sent!.message.body).toContain('Đã công bố theo Quyết định số 123/QĐ-UBND ngày 20/10/2026');
    // The same three lines as before the correction: the decision's figures.
    const lines = (body: string) => body.split('\n').filter((l) => l.startsWith('• '));
    expect(lines(sent!.message.body)).toEqual(lines(before[0]!.message.body));
  });
});
