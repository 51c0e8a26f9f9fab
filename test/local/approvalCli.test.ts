import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chiso } from '../helpers/cli.ts';
import { spawnServer, type RunningServer } from '../helpers/spawnServer.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * A running server whose approval is on, and every CLI command run beside it as the README shows
 * them, with no CHISO_ variable at all: nothing a leader can reach (a link's page and its
 * downloads, every saved query) shows a value waiting for approval or returned by its head.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let server: RunningServer;
const bare = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CHISO_')));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-approval-cli-'));
  server = await spawnServer(dir, { CHISO_APPROVAL: 'on', CHISO_DEMO: '0' });
}, 90_000);
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const report = (unit: string, num: number, den: number) =>
  csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: Quý III/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,${num},${den}\n`);
/** Every way the hidden figures could be written: counts as typed or grouped, shares as stored or shown. */
const HIDDEN = ['7777', '7.777', '7,777', '9973', '9.973', '9,973', '77.98', '77,98', '78,0', '3337', '3.337', '3,337', '7331', '7.331', '7,331', '45.51', '45.52', '45,51', '45,52', '45,5', '1237', '1.237', '1,237', '5791', '5.791', '5,791', '21.36', '21,36', '21,4'];

const step = (what: string) => { if (process.env.CHISO_TEST_TRACE) console.log(new Date().toISOString(), what); };
async function cli(args: string[]) {
  step(`cli ${args.join(' ')}`);
  const r = await chiso([...args, '--data-dir', dir], root, bare);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('approval on, then every CLI command without any environment', () => {
  it('shows leaders no unapproved or returned value, through a link, its downloads and every saved query', async () => {
    const token = async (role: string, unit: string) => (await cli(['token', 'create', '--role', role, '--unit', unit, '--name', `${role} ${unit}`])).trim().split('\n')[0]!;
    const staff = { lc: await token('staff', 'xa-lien-chau-2025'), tl: await token('staff', 'xa-te-lo-2025'), yl: await token('staff', 'xa-yen-lac') };
    const heads = { tl: await token('head', 'xa-te-lo-2025'), yl: await token('head', 'xa-yen-lac') };
    const send = async (who: string, bytes: Uint8Array<ArrayBuffer>, name: string) => {
      step(`send ${name}`);
      const r = await fetch(`${server.base}/api/submissions?filename=${name}`, { method: 'PUT', headers: bearer(who), body: bytes });
      expect(r.status, name).toBe(201);
      return ((await r.json()) as { submission_id: string }).submission_id;
    };
    const decide = async (who: string, id: string, decision: string, comment = '') => {
      step(`decide ${id}`);
      const r = await fetch(`${server.base}/duyet/${id}`, { method: 'POST', redirect: 'manual', headers: { ...bearer(who), Origin: server.base }, body: new URLSearchParams({ decision, comment }) });
      expect(r.status).toBe(303);
    };
    await send(staff.lc, report('Xã Liên Châu', 7777, 9973), 'lc.csv'); // waits
    await decide(heads.tl, await send(staff.tl, report('Xã Tề Lỗ', 3337, 7331), 'tl.csv'), 'returned', 'Chưa khớp sổ');
    await decide(heads.yl, await send(staff.yl, report('Xã Yên Lạc', 4000, 8000), 'yl.csv'), 'approved'); // the one leaders may see

    // Every command of the README, as a user runs it, none with CHISO_APPROVAL.
    const late = join(dir, 'nguyet-duc.csv');
    await writeFile(late, report('Xã Nguyệt Đức', 1237, 5791));
    await cli(['token', 'create', '--role', 'analyst', '--name', 'Chị Lan']);
    expect(await cli(['admin', 'create', '--name', 'Anh Minh'])).toMatch(/^chiso_admin_/);
    await cli(['query', 'district_scorecard', '--param', 'period=2026-Q3', '--format', 'csv']);
    await cli(['ingest', late]); // accepted, and waits for its head like any other
    await cli(['registry', 'import', join(root, 'schemas')]);
    await cli(['registry', 'versions']);
    await cli(['remind']);
    expect(await cli(['settings'])).toContain('BẬT');

    const link = async (query: string) => {
      const r = await fetch(`${server.base}/api/links`, { method: 'POST', headers: { ...bearer(server.token), 'Content-Type': 'application/json' }, body: JSON.stringify({ query, params: { period: '2026-Q3' }, expires_in: 86400 }) });
      expect(r.status).toBe(201);
      return new URL(((await r.json()) as { url: string }).url).pathname;
    };
    const seen: { where: string; text: string }[] = [];
    for (const query of ['district_scorecard', 'dti_ranking', 'reporting_timeliness']) {
      const path = await link(query);
      const page = await fetch(`${server.base}${path}`);
      expect(page.status).toBe(200);
      seen.push({ where: `${query} page`, text: await page.text() });
      seen.push({ where: `${query} csv`, text: await (await fetch(`${server.base}${path}/s/0/data.csv`)).text() });
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await (await fetch(`${server.base}${path}/s/0/data.xlsx`)).arrayBuffer());
      const cells: string[] = [];
      book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => { cells.push(String(cell.value)); })));
      seen.push({ where: `${query} xlsx`, text: cells.join('\n') });
    }
    // A query kept to analysts (its `audience`: pending values) never reaches a leader: test/pages/analystOnlyQueries.test.ts.
    const queries = ((await (await fetch(`${server.base}/api/queries`, { headers: bearer(server.token) })).json()) as { name: string; audience?: string[]; params: { name: string; type: string }[] }[]).filter((q) => !q.audience);
    const value = (p: { name: string; type: string }) => {
      if (p.type === 'period') return p.name === 'from' ? '2026-Q1' : '2026-Q3';
      if (p.type === 'date') return p.name === 'from' ? '2026-01-01' : p.name === 'to' ? '2026-12-31' : '2026-12-04';
      if (p.type === 'unit') return 'xa-lien-chau-2025';
      return 'DOC_ONLINE';
    };
    for (const q of queries) {
      for (const format of ['json', 'csv']) {
        const search = new URLSearchParams([...q.params.map((p) => [p.name, value(p)]), ['format', format]]);
        step(`query ${q.name} ${format}`);
        const r = await fetch(`${server.base}/api/queries/${q.name}?${search}`, { headers: bearer(server.token) });
        expect(r.status, q.name).toBe(200);
        seen.push({ where: `${q.name}.${format}`, text: await r.text() });
      }
    }
    // Submission ids and timestamps carry the real clock's digits ("…T150212370Z" holds 1237): not values.
    const valuesOnly = (text: string) => text.replace(/\d{8}T\d{6,9}Z(-[0-9a-f]{8})?/g, '').replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?/g, '');
    const leaks = seen.flatMap((s) => HIDDEN.filter((h) => valuesOnly(s.text).includes(h)).map((h) => `${s.where}: ${h}`));
    expect(leaks).toEqual([]);
    // The approved report is there: the check above could fail.
    const scorecard = JSON.parse(seen.find((s) => s.where === 'district_scorecard.json')!.text) as { unit: string; indicator_code: string; value: number | null }[];
    expect(scorecard.find((r) => r.unit === 'xa-yen-lac' && r.indicator_code === 'DOC_ONLINE')?.value).toBe(50);
    expect(seen.find((s) => s.where === 'district_scorecard page')!.text).toContain('Xã Yên Lạc');
  }, 400_000);
});
