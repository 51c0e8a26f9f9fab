import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { toRows } from '../../functions/http/tableRows.ts';
import { createPublications, type SnapshotRow } from '../../functions/services/publications.ts';
import { importRegistry } from '../../functions/services/registry.ts';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { csvBytes } from '../helpers/workbook.ts';
import { PROVINCE_FILES, provinceReport } from '../helpers/provinceRegistry.ts';

/**
 * A province publishes 2026-Q3 by a decision; a correction arrives afterwards. The publication
 * stays as published (with its note), the later figure is flagged beside it, publishing again
 * makes version 2, and the annex is the decision's: one table per group, the units not ranked.
 */
let work: string;
let services: QueryServices;
let analyst: string;
let clerk: string;
let clock = new Date('2026-10-15T03:00:00Z');
const ask = (path: string, init: RequestInit & { token?: string } = {}) =>
  services.app.request(path, { ...init, headers: { Authorization: `Bearer ${init.token ?? analyst}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
const publish = (body: Record<string, unknown>, token = analyst) => ask('/api/publications', { method: 'POST', body: JSON.stringify(body), token });
const DECISION = { period: '2026-Q3', decision_number: '469/QĐ-UBND', decision_date: '2026-10-20', issuing_body: 'Ủy ban nhân dân tỉnh Phú Thọ' };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chiso-publish-'));
  const dataDir = join(work, 'data');
  const imported = await importRegistry(new FsObjectStore(dataDir), PROVINCE_FILES, clock);
  expect(imported.status).toBe('imported');
  services = await composeQuery({ kind: 'local', dataDir, port: 0, utcOffsetHours: 7 }, { now: () => clock });
  analyst = await services.tokens.issue({ name: 'Chị Lan', role: 'analyst', unit: null });
  clerk = await services.tokens.issue({ name: 'Văn thư xã', role: 'staff', unit: 'xa-yen-lac' });
  const report = provinceReport('Quý III/2026', [
    ['so-noi-vu', 50, true], ['so-tai-chinh', 100, true], ['thanh-tra-tinh', 100, true], ['cong-an-tinh', 100, true],
    ['phuong-viet-tri', 80, true], ['xa-yen-lac', 60, false], ['xa-te-lo', 70, true],
  ]);
  const result = await services.ingest({ bytes: csvBytes(report), fileName: 'tong-hop-quy-III-2026.csv' });
  expect(result.errors).toEqual([]);
  services.runner.lakeChanged();
}, 60_000);
afterAll(async () => {
  await services?.close();
  await rm(work, { recursive: true, force: true });
});

describe('publishing a period\'s results by a decision', () => {
  it('refuses a bad request whole, in both languages, and anyone but an analyst or administrator', async () => {
    const bad = await publish({ period: '2026-Q3', decision_number: '', decision_date: '2026-02-30', issuing_body: '' });
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { message_vi: string; message_en: string } };
    expect(error.message_vi).toContain('thiếu số quyết định');
    expect(error.message_vi).toContain('ngày quyết định "2026-02-30"');
    expect(error.message_en).toContain('the issuing body is missing');
    expect((await publish(DECISION, clerk)).status).toBe(403);
    expect((await ask('/api/publications', { token: clerk })).status).toBe(403);
    expect((await publish({ ...DECISION, period: '2019-Q1' })).status).toBe(409); // nothing scored then
    expect(await (await ask('/api/publications')).json()).toEqual([]);
  });

  it('freezes the ranking and every score card; a later correction is flagged beside the published figure', async () => {
    const res = await publish(DECISION);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ publication_id: '2026-Q3-v001', version: 1, decision_number: '469/QĐ-UBND', decision_date: '2026-10-20', published_by_name: 'Chị Lan', units: 7 });

    // Xã Tề Lỗ corrects its share after the decision.
    clock = new Date('2026-10-25T03:00:00Z');
    const correction = await services.ingest({ bytes: csvBytes(provinceReport('Quý III/2026', [['xa-te-lo', 90, true]])), fileName: 'te-lo-bo-sung.csv' });
    expect(correction.errors).toEqual([]);
    services.runner.lakeChanged();

    const frozen = (await (await ask('/api/publications/2026-Q3')).json()) as { ranking: SnapshotRow[]; scorecards: SnapshotRow[] };
    expect(frozen.ranking.find((r) => r.unit === 'xa-te-lo')).toMatchObject({ total_points: 820, rank: 2 });
    expect(frozen.scorecards.filter((r) => r.unit === 'xa-te-lo').map((r) => [r.indicator_code, r.points])).toEqual([['DOC', 420], ['SIG', 400]]);

    const publications = createPublications({
      store: new FsObjectStore(join(work, 'data')), now: () => clock,
      read: async (name, params) => toRows((await services.runner.run(services.queries.get(name)!, params)).table) as SnapshotRow[],
    });
    const view = (await publications.publishedFor('2026-Q3'))!;
    expect(view.noteVi).toBe('Đã công bố theo Quyết định số 469/QĐ-UBND ngày 20/10/2026');
    const teLo = view.units.get('xa-te-lo')!;
    expect(teLo).toMatchObject({ laterFigure: true, published: { total_points: 820 }, current: { total_points: 940 }, changedComponents: { DOC: [420, 540] } });
    expect([...view.units.values()].filter((u) => u.laterFigure)).toHaveLength(1);
    expect(await publications.publishedFor('2026-Q2')).toBeNull();
  });

  it('publishing again makes a new version; every version is kept and listed', async () => {
    clock = new Date('2026-11-02T03:00:00Z');
    const again = await publish({ ...DECISION, decision_number: '512/QĐ-UBND', decision_date: '2026-11-02', note: 'Đính chính số liệu Xã Tề Lỗ' });
    expect(again.status).toBe(201);
    const list = (await (await ask('/api/publications?period=2026-Q3')).json()) as { version: number; decision_number: string; note: string | null }[];
    expect(list.map((p) => [p.version, p.decision_number, p.note])).toEqual([[2, '512/QĐ-UBND', 'Đính chính số liệu Xã Tề Lỗ'], [1, '469/QĐ-UBND', null]]);
    const v1 = (await (await ask('/api/publications/2026-Q3?version=1')).json()) as { ranking: SnapshotRow[] };
    const v2 = (await (await ask('/api/publications/2026-Q3')).json()) as { ranking: SnapshotRow[] };
    expect(v1.ranking.find((r) => r.unit === 'xa-te-lo')!.total_points).toBe(820);
    expect(v2.ranking.find((r) => r.unit === 'xa-te-lo')!.total_points).toBe(940);
    expect((await ask('/api/publications/2026-Q3?version=9')).status).toBe(404);

    // The analyst's page lists both, with each version's annex.
    const page = await services.app.request('/cong-bo?period=2026-Q3', { headers: { Authorization: `Bearer ${analyst}` } });
    const text = await page.text();
    expect([...text.matchAll(/data-version="(\d+)"/g)].map((m) => m[1])).toEqual(['2', '1']);
    expect(text).toContain('Đã công bố theo Quyết định số 469/QĐ-UBND ngày 20/10/2026');
    expect(text).toContain('/cong-bo/2026-Q3/phu-luc?format=pdf&version=1');
    // A page in Vietnamese only offers no "English" link that would lead back to itself.
    expect(text).not.toContain('hreflang="en"');
    const annex = await services.app.request('/cong-bo/2026-Q3/phu-luc?format=xlsx&version=1', { headers: { Authorization: `Bearer ${analyst}` } });
    expect([annex.status, annex.headers.get('content-disposition')]).toEqual([200, 'attachment; filename="phu-luc-xep-hang-2026-Q3-v1.xlsx"']);
    expect((await services.app.request('/cong-bo/2026-Q3/phu-luc?format=pdf&version=1', { headers: { Authorization: `Bearer ${clerk}` } })).status).toBe(403);
    const refused = await services.app.request('/cong-bo?period=2026-Q3', { method: 'POST', headers: { Authorization: `Bearer ${analyst}` }, body: new URLSearchParams({ decision_number: '', decision_date: 'hôm qua', issuing_body: 'UBND' }) });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('thiếu số quyết định');
    expect((await (await ask('/api/publications?period=2026-Q3')).json() as unknown[]).length).toBe(2);
  });

  it('the page offers the periods with data by name, takes the decision date as dd/mm/yyyy, and shows times as dd/mm/yyyy hh:mm', async () => {
    const page = await (await services.app.request('/cong-bo', { headers: { Authorization: `Bearer ${analyst}` } })).text();
    // The latest period with data, chosen from a list named as reports name it; never a quarter with nothing in it.
    expect(page).toMatch(/<select id="p" name="period" required><option value="2026-Q3" selected>Quý III\/2026<\/option><\/select>/);
    expect(page).not.toContain('2026-Q4');
    expect(page).toContain('Ngày quyết định (ngày/tháng/năm)');
    expect(page).toContain('name="decision_date" value="02/11/2026"');
    // Versions published at 10:00 in Vietnam (03:00 UTC), written as people there write them.
    expect(page).toContain('<td data-label="Lúc">02/11/2026 10:00</td>');
    expect(page).toContain('<td data-label="Lúc">15/10/2026 10:00</td>');
    expect(page).not.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // Published and current totals with two decimals, as the decision's annex writes them.
    expect(page).toContain('data-published>940,00</td>');

    const post = (date: string, number = '601/QĐ-UBND') => services.app.request('/cong-bo?period=2026-Q3', { method: 'POST', headers: { Authorization: `Bearer ${analyst}` }, body: new URLSearchParams({ decision_number: number, decision_date: date, issuing_body: 'UBND tỉnh Phú Thọ' }) });
    const impossible = await post('31/02/2026', '');
    expect(impossible.status).toBe(422);
    const said = await impossible.text();
    expect(said).toContain('Ngày quyết định: ngày &quot;31/02/2026&quot; không có thật; thiếu số quyết định');
    expect(said).toContain('value="31/02/2026"'); // what was typed stays in the form
    expect(said).not.toContain('YYYY-MM-DD');
    expect((await post('hôm qua')).status).toBe(422);
    expect((await (await ask('/api/publications?period=2026-Q3')).json() as unknown[]).length).toBe(2); // nothing written

    const done = await post('4/12/2026');
    expect([done.status, done.headers.get('location')]).toEqual([303, '/cong-bo?period=2026-Q3&v=3']);
    const v3 = (await (await ask('/api/publications/2026-Q3?version=3')).json()) as { decision_date: string };
    expect(v3.decision_date).toBe('2026-12-04');
  });
});

describe('the decision\'s annex', () => {
  it('as .xlsx: the motto, the caption, one table per ranking group with two decimals, the units not ranked below', async () => {
    const res = await ask('/api/publications/2026-Q3/annex?format=xlsx&version=1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="phu-luc-xep-hang-2026-Q3-v1.xlsx"');
    const file = join(work, 'annex.xlsx');
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    const script = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
print(json.dumps({"paper": ws.page_setup.paperSize, "rows": [[c.value for c in row] for row in ws.iter_rows()],
  "formats": {c.coordinate: c.number_format for row in ws.iter_rows() for c in row if isinstance(c.value, float) or isinstance(c.value, int)}}))`;
    const read = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' })) as { paper: string | number; rows: (string | number | null)[][]; formats: Record<string, string> };
    const firsts = read.rows.map((r) => r[0]);
    expect(Number(read.paper)).toBe(9); // A4
    expect(firsts).toContain('ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ');
    expect(firsts).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(firsts).toContain('(Phụ lục kèm theo Quyết định số 469/QĐ-UBND ngày 20/10/2026)');
    const at = (text: string) => firsts.indexOf(text);
    expect(at('I. Các sở, ban, ngành')).toBeGreaterThan(0);
    expect(read.rows[at('I. Các sở, ban, ngành') + 1]!.slice(0, 5)).toEqual(['Thứ tự xếp hạng', 'Tên đơn vị', 'Tổng điểm', 'Chính quyền số', 'Hạ tầng số']);
    expect(read.rows[at('I. Các sở, ban, ngành') + 2]!.slice(0, 5)).toEqual([1, 'Sở Tài chính', 1000, 600, 400]);
    expect(read.rows[at('I. Các sở, ban, ngành') + 3]!.slice(0, 5)).toEqual([2, 'Sở Nội vụ (mã H48.01)', 700, 300, 400]);
    expect(read.rows.slice(at('II. Các xã, phường') + 2, at('II. Các xã, phường') + 5).map((r) => r.slice(0, 3))).toEqual([
      [1, 'Phường Việt Trì (mã 08500)', 880], [2, 'Xã Tề Lỗ (mã 09040)', 820], [3, 'Xã Yên Lạc (mã 09025)', 360],
    ]);
    expect(new Set(Object.values(read.formats).filter((f) => f !== 'General'))).toEqual(new Set(['#,##0.00']));
    const notRanked = at('III. Các đơn vị không xếp hạng');
    expect(read.rows.slice(notRanked + 2, notRanked + 4).map((r) => r.slice(0, 3))).toEqual([
      [1, 'Thanh tra tỉnh', 'Không xếp hạng do tính chất đặc thù'],
      [2, 'Công an tỉnh', 'Không xếp hạng do tính chất đặc thù (lực lượng vũ trang)'],
    ]);
  });

  it('as PDF: A4, the motto and the issuing body, points with a decimal comma, the units not ranked', async () => {
    const res = await ask('/api/publications/2026-Q3/annex?format=pdf&version=1&place=Phú%20Thọ');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const file = join(work, 'annex.pdf');
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+595\.\d* x 841\.\d*|Page size:\s+595\.28 x 841\.89/);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
    for (const words of [
      'ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Phú Thọ, ngày 20 tháng 10 năm 2026',
      'Phụ lục kèm theo Quyết định số 469/QĐ-UBND ngày 20/10/2026', 'I. Các sở, ban, ngành', 'II. Các xã, phường', 'III. Các đơn vị không xếp hạng',
      'Thứ tự xếp hạng', 'Sở Tài chính 1.000,00 600,00 400,00', 'Xã Tề Lỗ (mã 09040) 820,00', 'Thanh tra tỉnh Không xếp hạng do tính chất đặc thù',
    ]) expect(text).toContain(words);
    expect(text).not.toContain('940'); // version 1: the correction came later
  });

  it('a draft of today\'s figures before any decision, marked as such', async () => {
    const res = await ask('/api/publications/2026-Q3/annex?format=pdf&draft=1&issuing_body=UBND%20tỉnh%20Phú%20Thọ');
    expect(res.status).toBe(200);
    const file = join(work, 'draft.pdf');
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
    expect(text).toContain('DỰ THẢO');
    expect(text).toContain('Xã Tề Lỗ (mã 09040) 940,00');
    expect((await ask('/api/publications/2026-Q3/annex?format=doc')).status).toBe(400);
  });
});

describe('reconciling an official results table with the lake', () => {
  type Result = { units: { unit: string; differs: boolean; difference: number | null; criteria: { header: string; differs: boolean; published: number | null; computed: number | null }[] }[]; unmatched: { name: string; vi: string }[]; notInTable: { unit: string }[]; differences: number };
  const reconcile = async (bytes: Uint8Array<ArrayBuffer>, file: string) => {
    const res = await ask(`/api/publications/2026-Q3/reconcile?file=${encodeURIComponent(file)}`, { method: 'POST', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
    expect(res.status).toBe(200);
    return (await res.json()) as Result;
  };

  it('a hand-made table with two deliberate differences finds exactly those two; an unknown name is reported, never guessed', async () => {
    const table = `Thứ tự xếp hạng,Tên đơn vị,Tổng điểm,Chính quyền số,Hạ tầng số
1,Sở Tài chính,"1.000,00","600,00","400,00"
2,Sở Nội vụ,"710,00","300,00","400,00"
1,Phuong Viet Tri,"880,00","480,00","400,00"
2,Xã Tề Lỗ (mã 09040),"940,00","540,00","400,00"
3,Xã Yên Lạc,"360,00","370,00","0,00"
4,Xã Yên Lạc Mới,"500,00",,
`;
    const result = await reconcile(csvBytes(table), 'ket-qua-quy-III.csv');
    expect(result.differences).toBe(2);
    expect(result.units.filter((u) => u.differs).map((u) => u.unit)).toEqual(['so-noi-vu', 'xa-yen-lac']);
    expect(result.units.find((u) => u.unit === 'so-noi-vu')!.difference).toBe(10);
    expect(result.units.find((u) => u.unit === 'xa-yen-lac')!.criteria.filter((c) => c.differs)).toEqual([{ header: 'Chính quyền số', published: 370, computed: 360, difference: 10, differs: true }]);
    expect(result.unmatched.map((u) => u.name)).toEqual(['Xã Yên Lạc Mới']);
    expect(result.unmatched[0]!.vi).toContain('không có đơn vị tên "Xã Yên Lạc Mới"');
    expect(result.notInTable.map((u) => u.unit).sort()).toEqual(['cong-an-tinh', 'thanh-tra-tinh']);

    // The analyst's page shows the same, the two units marked.
    const form = new FormData();
    form.set('period', 'Quý III/2026');
    form.set('file', new File([table], 'ket-qua-quy-III.csv', { type: 'text/csv' }));
    const page = await services.app.request('/doi-chieu', { method: 'POST', headers: { Authorization: `Bearer ${analyst}` }, body: form });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    const text = await page.text();
    expect([...text.matchAll(/data-unit="([^"]+)" data-differs="yes"/g)].map((m) => m[1])).toEqual(['so-noi-vu', 'xa-yen-lac']);
    expect(text).toContain('5 đơn vị được đối chiếu; 2 đơn vị lệch quá 0,01 điểm.');
    expect(text).not.toContain('hreflang="en"');
    expect(text).toContain('data-unmatched="Xã Yên Lạc Mới"');
    // Two decimals, as the annex writes points: a difference above 0,01 is visible.
    expect(text).toContain('<td class="num" data-label="Đã công bố">710,00</td><td class="num" data-label="Tính từ dữ liệu">700,00</td>');
    expect(text).toContain('<td class="num low" data-label="Chênh lệch">10,00');
    // The period as a choice among those with data, named, never a box to type a code in.
    expect(text).toContain('<option value="2026-Q3" selected>Quý III/2026</option>');
    const blank = await (await services.app.request('/doi-chieu', { headers: { Authorization: `Bearer ${analyst}` } })).text();
    expect(blank).toMatch(/<select id="period" name="period" required><option value="2026-Q3" selected>Quý III\/2026<\/option><\/select>/);
    expect((await services.app.request('/doi-chieu', { method: 'POST', headers: { Authorization: `Bearer ${clerk}` }, body: form })).status).toBe(403);
  });

  it('reads the annex .xlsx back: version 1 differs from today exactly where the correction came; a CSV without a header by position', async () => {
    const v1 = new Uint8Array(await (await ask('/api/publications/2026-Q3/annex?format=xlsx&version=1')).arrayBuffer());
    const result = await reconcile(v1, 'phu-luc-v1.xlsx');
    expect(result.units).toHaveLength(5);
    expect(result.units.filter((u) => u.differs).map((u) => [u.unit, u.difference])).toEqual([['xa-te-lo', -120]]);
    const v2 = new Uint8Array(await (await ask('/api/publications/2026-Q3/annex?format=xlsx&version=2')).arrayBuffer());
    expect((await reconcile(v2, 'phu-luc-v2.xlsx')).differences).toBe(0);
    const bare = await reconcile(csvBytes('1;Xã Tề Lỗ;940,00\n2;Xã Yên Lạc;360,01\n'), 'khong-tieu-de.csv');
    expect(bare.units.map((u) => [u.unit, u.differs])).toEqual([['xa-te-lo', false], ['xa-yen-lac', false]]); // 0.01 is within the tolerance
  });

  it('refuses what is not a results table, in both languages', async () => {
    const res = await ask('/api/publications/2026-Q3/reconcile?file=x.csv', { method: 'POST', body: csvBytes('a,b\n1,2\n'), headers: { 'Content-Type': 'application/octet-stream' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('không thấy bảng kết quả');
  });
});
