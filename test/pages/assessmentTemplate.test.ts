import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessmentTemplate, ruleInWords } from '../../functions/http/assessmentTemplate.ts';
import { componentsInForce } from '../../functions/http/pages/evidenceRoutes.ts';
import { toRows } from '../../functions/http/tableRows.ts';
import type { FrameworkComponent } from '../../functions/domain/types.ts';
import { evidenceProvince } from '../helpers/evidenceProvince.ts';

/**
 * The self-assessment template of /nop/kiem-chung: made for a commune of the evidence province,
 * read back by openpyxl, filled with exceljs and sent on /nop (and once more saved by
 * LibreOffice): accepted as a self-assessment with every point exact; a point above the maximum
 * refused; downloaded only by the unit's own staff.
 */
const run = promisify(execFile);
let t: Awaited<ReturnType<typeof evidenceProvince>>;
let dir: string;
beforeAll(async () => { t = await evidenceProvince(); dir = await mkdtemp(join(tmpdir(), 'chiso-assessment-')); }, 120_000);
afterAll(async () => { await t?.close(); if (dir) await rm(dir, { recursive: true, force: true }); });

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const download = (token: string, query = 'period=2026-Q3') => t.services.app.request(`/nop/kiem-chung/mau.xlsx?${query}`, { headers: auth(token) });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What openpyxl (another writer's reader) sees in a template. */
function openpyxlView(file: string) {
  // An absent operator is OOXML's default, "between" (exceljs leaves it out).
  const script = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
print(json.dumps({
  'title': [ws.cell(r, 1).value for r in range(1, 8)],
  'header': [c.value for c in ws[9]],
  'rows': [[c.value for c in row] for row in ws.iter_rows(min_row=10, max_row=ws.max_row)],
  'formats': [ws.cell(r, 4).number_format for r in range(10, ws.max_row + 1)],
  'validations': sorted([{'cells': str(v.sqref), 'type': v.type, 'operator': v.operator or 'between', 'min': v.formula1, 'max': v.formula2} for v in ws.data_validations.dataValidation], key=lambda v: v['cells']),
  'frozen': ws.freeze_panes, 'protected': ws.protection.sheet,
  'widths': {k: d.width for k, d in ws.column_dimensions.items()},
  'wrapped': ws.cell(10, 7).alignment.wrap_text,
  'note': ws.cell(9, 7).comment.text if ws.cell(9, 7).comment else None,
}, ensure_ascii=False, default=str))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' })) as {
    title: (string | null)[]; header: string[]; rows: unknown[][]; formats: string[]; validations: { cells: string; type: string; operator: string; min: string; max: string }[];
    frozen: string; protected: boolean; widths: Record<string, number>; wrapped: boolean; note: string | null;
  };
}

/** The template filled as a clerk does: points in F, explanations in G. */
async function fill(bytes: Buffer, points: Record<string, number>, notes: Record<string, string>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = book.worksheets[0]!;
  sheet.eachRow((row, r) => {
    const code = String(row.getCell(2).value ?? '');
    if (r <= 9) return;
    if (code in points) row.getCell(6).value = points[code]!;
    if (code in notes) row.getCell(7).value = notes[code]!;
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

const sendOnNop = async (bytes: Buffer, name: string) => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  return t.services.app.request('/nop', { method: 'POST', headers: { ...auth(t.clerk), Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' }, body: form });
};
const scorecard = async () => {
  t.services.runner.lakeChanged();
  const rows = toRows((await t.services.runner.run(t.services.queries.get('dti_scorecards')!, { period: '2026-Q3' })).table).filter((r) => r.unit === 'xa-yen-lac');
  return Object.fromEntries(rows.map((r) => [String(r.indicator_code), { self: r.self_points, note: r.self_note }]));
};
const POINTS = { DOC: 512.75, SIG: 400, DVC: 150 };
const NOTES = { DOC: 'Báo cáo hệ thống QLVB quý III (xem bao-cao-qlvb.pdf)', DVC: 'Danh sách hồ sơ: ho-so-truc-tuyen.xlsx' };
let template: Buffer;

describe('the self-assessment template', () => {
  it('is an .xlsx of the commune\'s components, read back by openpyxl: headers, max points, rules, the points validated 0..max', async () => {
    const res = await download(t.clerk);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="mau-tu-cham-diem-xa-yen-lac-2026-Q3.xlsx"');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    template = Buffer.from(await res.arrayBuffer());
    const file = join(dir, 'mau.xlsx');
    await writeFile(file, template);
    const view = openpyxlView(file);
    expect(view.title.slice(2, 5)).toEqual(['BẢNG TỰ CHẤM ĐIỂM CHỈ SỐ CHUYỂN ĐỔI SỐ', 'Đơn vị: Xã Yên Lạc', 'Kỳ báo cáo: Quý III/2026']);
    // The evidence province has no calendar: no deadline line.
    expect(view.title[5]).toBeNull();
    expect(view.title[6]).toMatch(/^Hướng dẫn: ghi điểm .*"Điểm tự chấm".*gửi tệp này ở trang Nộp báo cáo/);
    expect(view.header).toEqual(['STT', 'Mã chỉ số', 'Chỉ số thành phần', 'Điểm tối đa', 'Cách xác định', 'Điểm tự chấm', 'Giải trình / tài liệu kiểm chứng']);
    expect(view.rows).toEqual([
      [1, 'DOC', 'Văn bản điện tử\n(Trụ cột: Chính quyền số)', 600, 'Theo tỷ lệ: điểm = tỷ lệ đạt (%) × 600 ÷ 100 (đạt 100% được 600 điểm).', null, null],
      [2, 'SIG', 'Chữ ký số\n(Trụ cột: Hạ tầng số)', 400, 'Có/Không: có được 400 điểm, không được 0 điểm.', null, null],
      [3, 'DVC', 'Hồ sơ trực tuyến toàn trình\n(Trụ cột: Dịch vụ số)', 300, 'Theo bậc: từ 80% được 300 điểm; từ 50% được 150 điểm; dưới 50% được 0 điểm.', null, null],
    ]);
    expect(view.formats).toEqual(['#,##0', '#,##0', '#,##0']);
    expect(view.validations).toEqual([
      { cells: 'F10', type: 'decimal', operator: 'between', min: '0', max: '600' },
      { cells: 'F11', type: 'decimal', operator: 'between', min: '0', max: '400' },
      { cells: 'F12', type: 'decimal', operator: 'between', min: '0', max: '300' },
    ]);
    expect(view.frozen).toBe('A10');
    expect(view.protected).toBe(false);
    expect(view.widths.G).toBeGreaterThanOrEqual(50);
    expect(view.wrapped).toBe(true);
    expect(view.note).toMatch(/Tên tệp ghi ở cột này .* được đối chiếu với các tệp kiểm chứng đã đính kèm/);
  });

  it('lists only the components in force for the unit\'s type at the period\'s end, and writes the deadline as people do', async () => {
    const base: FrameworkComponent = { framework: 'f', validFrom: '2025-01-01', validTo: null, pillar: 'P', pillarNameVi: 'Trụ cột', indicatorCode: 'DOC', maxPoints: 10, rule: 'ratio', steps: [], appliesTo: ['commune'], target: null };
    const frameworks: FrameworkComponent[] = [
      base,
      { ...base, indicatorCode: 'SIG', appliesTo: ['department'] },
      { ...base, indicatorCode: 'OLD', validTo: '2026-06-30' },
      { ...base, indicatorCode: 'NEW', validFrom: '2026-10-01' },
      { ...base, indicatorCode: 'Q3', validFrom: '2026-09-30' },
    ];
    expect(componentsInForce(frameworks, 'commune', '2026-Q3').map((c) => c.indicatorCode)).toEqual(['DOC', 'Q3']);
    expect(ruleInWords({ ...base, maxPoints: 12.5, rule: 'boolean' })).toBe('Có/Không: có được 12,5 điểm, không được 0 điểm.');
    const unit = t.services.catalog.catalog.units.find((u) => u.code === 'xa-yen-lac')!;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await assessmentTemplate(unit, '2026-Q3', [base], { deadline: '2026-10-15' }) as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.getCell('A6').value).toBe('Hạn nộp: 15/10/2026');
  });

  it('filled with exceljs and sent on /nop: accepted as the self-assessment, every point exact, the explanation kept', async () => {
    const filled = await fill(template, POINTS, NOTES);
    const sent = await sendOnNop(filled, 'tu-cham-diem.xlsx');
    expect(sent.status).toBe(303);
    const answer = await (await t.services.app.request(sent.headers.get('location')!, { headers: auth(t.clerk) })).text();
    expect(/<h1>([^<]*)<\/h1>/.exec(answer)?.[1]).toContain('Đã nhận');
    expect(answer).not.toMatch(/role="alert"/);
    const card = await scorecard();
    expect(card).toEqual({
      DOC: { self: 512.75, note: NOTES.DOC },
      SIG: { self: 400, note: null },
      DVC: { self: 150, note: NOTES.DVC },
    });
    // The page warns of the files the explanation names that are not attached yet: the names were read.
    const page = await (await t.services.app.request('/nop/kiem-chung?period=2026-Q3', { headers: auth(t.clerk) })).text();
    expect(page).toContain('giải trình nêu tệp &quot;bao-cao-qlvb.pdf&quot;');
  });

  it('saved again by LibreOffice: accepted too, with the same points', async () => {
    const input = join(dir, 'tu-cham-lo.xlsx');
    await writeFile(input, await fill(template, { ...POINTS, DOC: 498.5 }, NOTES));
    await run('soffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--norestore', '--convert-to', 'xlsx:Calc MS Excel 2007 XML', '--outdir', join(dir, 'lo'), input], { timeout: 180_000 });
    const saved = await readFile(join(dir, 'lo', 'tu-cham-lo.xlsx'));
    expect(saved.equals(await readFile(input))).toBe(false);
    t.later(); // sent after the first: it replaces it
    const result = await t.services.ingest({ bytes: new Uint8Array(saved), fileName: 'tu-cham-lo.xlsx' });
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('accepted');
    expect(result.layout).toBe('assessment');
    expect(result.partitions).toEqual([{ unit: 'xa-yen-lac', period: '2026-Q3' }]);
    expect(await scorecard()).toEqual({
      DOC: { self: 498.5, note: NOTES.DOC },
      SIG: { self: 400, note: null },
      DVC: { self: 150, note: NOTES.DVC },
    });
  }, 240_000);

  it('refuses a point above the maximum with the ingest\'s usual error, keeping nothing of the file', async () => {
    const result = await t.services.ingest({ bytes: new Uint8Array(await fill(template, { ...POINTS, SIG: 450 }, NOTES)), fileName: 'tu-cham-qua.xlsx' });
    expect(result.status).toBe('rejected');
    expect(result.errors.map((e) => [e.code, e.row, e.column, e.message_vi])).toEqual([['POINTS_ABOVE_MAX', 11, 'F', 'Chữ ký số — Điểm 450 vượt điểm tối đa 400 của bộ chỉ số tinh-2025.']]);
    expect((await scorecard()).SIG).toEqual({ self: 400, note: null });
  });
});

describe('who downloads the template', () => {
  it('gives another unit\'s clerk her own unit\'s template, whatever is asked; refuses analysts, leader links and strangers', async () => {
    const other = await download(t.otherClerk, 'period=2026-Q3&unit=xa-yen-lac');
    expect(other.status).toBe(200);
    expect(other.headers.get('content-disposition')).toContain('xa-te-lo');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await other.arrayBuffer());
    expect(book.worksheets[0]!.getCell('A4').value).toBe('Đơn vị: Xã Tề Lỗ');
    expect(JSON.stringify(book.worksheets[0]!.getSheetValues())).not.toContain('Yên Lạc');

    const analyst = await download(t.analyst);
    expect(analyst.status).toBe(403);
    expect(analyst.headers.get('content-disposition')).toBeNull();
    expect(await analyst.text()).toContain('Trang này dành cho cán bộ của một đơn vị.');
    const link = await t.services.app.request('/api/links', { method: 'POST', headers: { ...auth(t.analyst), 'Content-Type': 'application/json' }, body: JSON.stringify({ query: 'dti_ranking', params: { period: '2026-Q3' } }) });
    const linkToken = new URL(((await link.json()) as { url: string }).url).pathname.split('/')[2]!;
    for (const res of [await download(linkToken), await t.services.app.request(`/l/${linkToken}/nop/kiem-chung/mau.xlsx?period=2026-Q3`), await t.services.app.request('/nop/kiem-chung/mau.xlsx?period=2026-Q3')]) {
      expect([303, 403, 404]).toContain(res.status);
      expect(res.headers.get('content-type')).not.toBe(XLSX);
      expect(res.headers.get('content-disposition')).toBeNull();
    }
    expect((await t.services.app.request('/nop/kiem-chung/mau.xlsx?period=2026-Q3')).headers.get('location')).toMatch(/^\/login\?next=%2Fnop%2Fkiem-chung%2Fmau\.xlsx/);
    expect((await download(t.clerk, 'period=quy-3')).status).toBe(400);
  });

  it('is offered at the top of the page, in the page\'s language', async () => {
    for (const [query, words] of [['', ['Tải mẫu tự chấm điểm (.xlsx)', 'gửi tệp ở trang Nộp báo cáo như một báo cáo']], ['&lang=en', ['Download the self-assessment template (.xlsx)', 'send the file on the reports page like a report']]] as const) {
      const page = await (await t.services.app.request(`/nop/kiem-chung?period=2026-Q3${query}`, { headers: auth(t.clerk) })).text();
      const link = page.indexOf('href="/nop/kiem-chung/mau.xlsx?period=2026-Q3"');
      expect(link).toBeGreaterThan(0);
      expect(link).toBeLessThan(page.indexOf('<section class="evidence-form">'));
      for (const w of words) expect(page).toContain(w);
    }
  });
});
