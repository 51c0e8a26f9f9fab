import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoApp } from '../helpers/appServer.ts';

/** The analyst's pages (/q) as a person uses them: cards, forms with defaults, sharing, revoking, downloads for Excel. */
let t: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => { t = await demoApp(inject('demoLake')); });
afterAll(async () => { await t.close(); });

const get = async (path: string) => t.app.request(path, { headers: t.auth(t.analyst) });
const page = async (path: string) => {
  const r = await get(path);
  return { status: r.status, text: await r.text(), location: r.headers.get('location') };
};
const post = async (path: string, form: Record<string, string>) =>
  t.app.request(path, { method: 'POST', headers: t.auth(t.analyst), body: new URLSearchParams(form) });
const links = async () => (await (await get('/api/links')).json()) as { id: string; revoked_at: string | null }[];
const hrefs = (html: string, scope = /<li class="qcard"[^>]*><a href="([^"]+)"/g) => [...html.matchAll(scope)].map((m) => m[1]!.replace(/&amp;/g, '&'));

describe('/q: the saved queries as linked cards', () => {
  it('groups them by what they answer, the scorecard first with the latest period that has data, in plain words', async () => {
    const { status, text } = await page('/q');
    expect(status).toBe(200);
    const groups = [...text.matchAll(/<section class="qgroup"><h2>([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(groups.slice(0, 4)).toEqual(['Bảng điểm và xu hướng', 'Chỉ số chuyển đổi số (DTI)', 'Kỳ báo cáo: ai nộp, ai trễ, số liệu cần xem lại', 'Dữ liệu']);
    const cards = hrefs(text);
    expect(cards[0]).toBe('/q/district_scorecard?period=2026-Q3'); // the demo's latest period with data
    expect(text).toContain('Quý III/2026');
    expect(cards).toContain('/q/links');
    expect(cards).toContain('/q/outbox');
    // The DTI work beside the queries: appraising (analysts hold that right), publishing, reconciling.
    for (const path of ['/tham-dinh', '/cong-bo', '/doi-chieu']) expect(cards, path).toContain(path);
    // No signatures, no jargon from the saved queries' technical descriptions.
    expect(text).not.toMatch(/missing_submissions\(|<code>|z bền vững/);
    for (const name of ['dti_ranking', 'unit_report', 'submission_log', 'unit_registry', 'approval_log']) expect(cards.some((l) => l.startsWith(`/q/${name}`)), name).toBe(true);
  });

  it('links every card to a page that renders without parameters typed', async () => {
    for (const link of hrefs((await page('/q')).text)) {
      const { status, text } = await page(link);
      expect(status, link).toBe(200);
      expect(text, link).toMatch(/<h1>/);
    }
  }, 120_000);
});

describe('a query page', () => {
  it('opens with a form and defaults: a bare /q/district_scorecard shows the latest period with data', async () => {
    const { status, text } = await page('/q/district_scorecard');
    expect(status).toBe(200);
    expect(text).toContain('<form class="params" method="get" action="/q/district_scorecard">');
    // The period picker lists the periods that have data, newest first, the shown one selected.
    const options = [...text.matchAll(/<option value="(\d{4}-Q\d)"( selected)?>([^<]+)<\/option>/g)];
    expect(options[0]!.slice(1)).toEqual(['2026-Q3', ' selected', 'Quý III/2026']);
    expect(options.map((o) => o[1])).toContain('2023-Q1');
    expect(text).toContain('data-section="district_scorecard"');
  });

  it('picks units by name, dates as dates; a wrong value shows the form again saying which, not an error page', async () => {
    const unit = await page('/q/unit_report?period=2024-Q4');
    expect(unit.status).toBe(200);
    expect(unit.text).toMatch(/<select id="p-unit" name="unit">/);
    expect(unit.text).toMatch(/<option value="xa-lien-chau"[^>]*>Xã Liên Châu \(… – 30\/06\/2025\)<\/option>/);
    const log = await page('/q/approval_log');
    expect(log.status).toBe(200);
    expect(log.text).toMatch(/<input id="p-from" type="date" name="from" value="2025-03-17">/);
    const bad = await page('/q/district_scorecard?period=2024-Q9');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<form class="params"');
    expect(bad.text).toMatch(/class="field-error"[^>]*>[^<]*2024-Q9/);
  });

  it('shows names, not codes (the downloads keep them), and lets a keyboard scroll the wide tables', async () => {
    const { text } = await page('/q/district_scorecard?period=2024-Q4');
    const ranking = text.slice(text.indexOf('data-section="unit_ranking"'), text.indexOf('data-section="missing_submissions"'));
    expect(ranking).toContain('data-col="unit_name"');
    for (const code of ['unit', 'unit_type']) expect(ranking).not.toContain(`data-col="${code}"`);
    const warnings = text.slice(text.indexOf('data-section="quality_warnings"'));
    for (const code of ['indicator_code', 'kind', 'message_en']) expect(warnings).not.toContain(`data-col="${code}"`);
    const dti = text.slice(text.indexOf('data-section="dti_ranking"'), text.indexOf('data-section="unit_ranking"'));
    expect(dti).toMatch(/<div class="scroll cards" tabindex="0" role="group" aria-label="Xếp hạng chỉ số chuyển đổi số \(DTI\)">/);
    expect(text).toMatch(/<div class="scroll heat-wide" tabindex="0" role="group" aria-label="[^"]+">/);
    const csv = await (await get('/q/district_scorecard/s/3/data.csv?period=2024-Q4&headers=codes')).text();
    expect(csv.split('\r\n')[0]).toBe('rank,unit,unit_name,unit_type,score,indicators_met,indicators_reported,indicators_applicable');
  });
});

describe('a query page\'s cells', () => {
  const cells = (html: string, col: string) => [...html.matchAll(new RegExp(`<td class="[^"]*" data-col="${col}"[^>]*>([^<]*)</td>`, 'g'))].map((m) => m[1]!.replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  it('write the lake\'s states, rules, lists and open dates in words, never yes, accepted, steps 4:30 or 9999-12-31', async () => {
    const log = (await page('/q/submission_log?from=2020-01-01&to=2026-12-31')).text;
    expect(new Set(cells(log, 'status'))).toEqual(new Set(['Đã nhận', 'Bị từ chối']));
    expect(cells(log, 'periods').some((p) => /^Quý [IV]+\/\d{4}/.test(p))).toBe(true);
    const errors = cells(log, 'errors').filter((e) => e !== '' && e !== '–' && e !== 'Không');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).not.toMatch(/^\[|"sheet"|message_en/);
    const registry = (await page('/q/unit_registry?as_of=2026-10-01')).text;
    expect(new Set(cells(registry, 'verified'))).toEqual(new Set(['Có', 'Không']));
    for (const cell of [...cells(registry, 'valid_from'), ...cells(registry, 'valid_to')]) expect(cell).toMatch(/^(\d{2}\/\d{2}\/\d{4}|–)$/);
    const rules = new Set((await Promise.all(['2026-Q3', '2024-Q4'].map(async (p) => cells((await page(`/q/unit_scorecard?unit=xa-lien-chau&period=${p}`)).text, 'rule')))).flat());
    expect(rules.size).toBeGreaterThan(0);
    for (const rule of rules) expect(rule).toMatch(/^(Tỷ lệ \(tử số\/mẫu số\)|Có\/Không|Theo bậc: từ .+ → .+)$/);
  });
});

describe('a query page\'s heading', () => {
  it('says what its <title> says: "các xã" for a period after the district level ended', async () => {
    const { text } = await page('/q/district_scorecard?period=2026-Q3');
    const heading = /<h1>([^<]+)<\/h1>/.exec(text)![1]!;
    expect(heading).toContain('các xã');
    expect(/<title>([^<]+) — chiso<\/title>/.exec(text)![1]).toBe(heading);
  });
});

describe('sharing with a leader', () => {
  it('redirects after making the link (a reload makes no other), with a QR code that has a name', async () => {
    const before = (await links()).length;
    const made = await post('/q/unit_ranking/share?period=2024-Q4', { note: 'Chủ tịch xã', days: '7' });
    expect(made.status).toBe(303);
    const at = made.headers.get('location')!;
    expect(at).toMatch(/^\/q\/links\/[\w-]+$/);
    const first = await page(at);
    const again = await page(at); // what a reload does
    expect(again.text).toBe(first.text);
    expect((await links()).length).toBe(before + 1);
    expect(first.text).toMatch(/<input class="link-url" type="text" readonly value="http:\/\/[^"]+\/l\/[^"]+">/);
    expect(first.text).toMatch(/<svg role="img" aria-label="Mã QR của liên kết[^"]*"/);
    expect(first.text).toContain('Quý IV/2024 · Chủ tịch xã');
  });

  it('says a link\'s parameters without the blank ones (every ranking group): no " · · "', async () => {
    const at = (await post('/q/dti_ranking/share?period=2024-Q4', { note: 'Chủ tịch UBND tỉnh', days: '7' })).headers.get('location')!;
    const text = (await page(at)).text;
    expect(text).toContain('Quý IV/2024 · Chủ tịch UBND tỉnh');
    const list = (await page('/q/links')).text;
    const row = list.slice(list.indexOf(`data-link="${at.split('/').pop()}"`)).split('</tr>')[0]!;
    expect(row).toMatch(/<span class="meta">Quý IV\/2024<\/span>/);
    for (const html of [text, row]) expect(html).not.toMatch(/· ·|· <\/|·\s*<\/span>/);
  });

  it('asks before a revoke: in place on the list, and on a page of its own for a bare POST', async () => {
    const at = (await post('/q/unit_ranking/share?period=2024-Q3', { note: 'Bí thư', days: '30' })).headers.get('location')!;
    const id = at.split('/').pop()!;
    const list = (await page('/q/links')).text;
    const row = list.slice(list.indexOf(`data-link="${id}"`));
    expect(row).toMatch(/^[^]*?<details class="confirm-revoke"><summary>Thu hồi…<\/summary>[^]*?<input type="hidden" name="confirm" value="1">/);
    const asked = await post(`/q/links/${id}/revoke`, {});
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('Thu hồi liên kết?');
    expect((await links()).find((l) => l.id === id)!.revoked_at).toBeNull();
    const done = await post(`/q/links/${id}/revoke`, { confirm: '1' });
    expect(done.status).toBe(303);
    expect((await links()).find((l) => l.id === id)!.revoked_at).not.toBeNull();
  });
});

describe('provenance', () => {
  it('links each value to the file it came from, which opens', async () => {
    const { text } = await page('/q/provenance?unit=xa-lien-chau&period=2024-Q4&indicator=DOC_ONLINE');
    const files = [...text.matchAll(/<a href="(\/q\/tep\/[^"]+)" download>([^<]+)<\/a>/g)];
    expect(files.map((f) => f[2])).toEqual(['xa-lien-chau-quy-IV-2024-bo-sung.xlsx', 'tong-hop-xa-thi-tran-quy-IV-2024.xlsx']);
    const file = await get(files[0]![1]!);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    expect((await t.app.request(files[0]![1]!)).status).toBe(303); // signed-in analysts only
  });
});

describe('downloads for Excel users', () => {
  const section = '/q/district_scorecard/s/0/data';
  it('page CSV: Vietnamese headers and Có/Không by default, English with lang=en, machine names with headers=codes; the API keeps machine names', async () => {
    const vi = await (await get(`${section}.csv?period=2024-Q4`)).text();
    const [head, ...rows] = vi.split('\r\n');
    expect(head).toBe('Mã đơn vị,Đơn vị,Loại đơn vị,Mã chỉ số,Chỉ số,Chỉ số (ngắn),"Chỉ số (ngắn, tiếng Anh)",Loại,Giá trị,Chỉ tiêu,Đạt');
    expect(rows.join('\n')).toMatch(/,Có$/m);
    expect(rows.join('\n')).not.toMatch(/true|false|,department,/);
    expect(rows.join('\n')).not.toMatch(/\d\.\d{3,}/); // no 96.974169742
    const en = await (await get(`${section}.csv?period=2024-Q4&lang=en`)).text();
    expect(en.split('\r\n')[0]).toBe('Unit code,Unit,Unit type,Indicator code,Indicator,"Indicator (short, Vietnamese)",Indicator (short),Measure,Value,Target,Met');
    const codes = await (await get(`${section}.csv?period=2024-Q4&headers=codes`)).text();
    expect(codes.split('\r\n')[0]).toBe('unit,unit_name,unit_type,indicator_code,indicator_name,indicator_short_vi,indicator_short_en,measure,value,target,met');
    const api = await (await get('/api/queries/district_scorecard?period=2024-Q4&format=csv')).text();
    expect(api.split('\r\n')[0]).toBe('unit,unit_name,unit_type,indicator_code,indicator_name,indicator_short_vi,indicator_short_en,measure,value,target,met');
    expect(api).toMatch(/,true\r\n/);
  });

  it('CSV for Excel set to Vietnamese: semicolons and a decimal comma', async () => {
    const csv = await (await get(`/q/district_trend/s/0/data.csv?from=2024-Q1&to=2024-Q4&excel=vi`)).text();
    const [head, ...rows] = csv.trim().split('\r\n');
    expect(head).toBe('Kỳ;Kỳ báo cáo;Tỷ lệ đạt chỉ tiêu (%);Số đơn vị báo cáo');
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toMatch(/^2024-Q\d;Quý [IV]+\/2024;\d+(,\d{1,2})?;\d+$/);
    expect(rows.some((r) => r.split(';')[2]!.includes(','))).toBe(true);
  });

  it('page .xlsx: Vietnamese headers frozen, number formats, fitted widths, Có/Không, dates as dates', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await (await get(`${section}.xlsx?period=2024-Q4`)).arrayBuffer());
    const sheet = book.getWorksheet('district_scorecard')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Mã đơn vị', 'Đơn vị', 'Loại đơn vị', 'Mã chỉ số', 'Chỉ số', 'Chỉ số (ngắn)', 'Chỉ số (ngắn, tiếng Anh)', 'Loại', 'Giá trị', 'Chỉ tiêu', 'Đạt']);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const rows = sheet.getSheetValues().slice(2) as unknown[][];
    const percent = rows.findIndex((r) => r[8] === 'Tỷ lệ (%)' && typeof r[9] === 'number');
    expect(sheet.getRow(percent + 2).getCell(9).numFmt).toBe('0.0"%"');
    expect(rows.some((r) => r[8] === 'Có/Không' && (r[9] === 'Có' || r[9] === 'Không'))).toBe(true);
    expect(rows.some((r) => r[11] === 'Có')).toBe(true);
    expect(rows.some((r) => r[3] === 'Phòng, ban')).toBe(true);
    expect(sheet.getColumn(5).width).toBeGreaterThan(40); // the indicators' full names
    expect(sheet.getColumn(9).width).toBeLessThan(16);
    const log = new ExcelJS.Workbook();
    await log.xlsx.load(await (await get('/q/submission_log/s/0/data.xlsx?from=2020-01-01&to=2025-06-15')).arrayBuffer());
    const first = log.getWorksheet('submission_log')!.getRow(2);
    expect(first.getCell(1).value).toBeInstanceOf(Date);
    expect(first.getCell(1).numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(first.getCell(6).numFmt).toBe('#,##0');
  });

  it('page .xlsx as another program reads it (openpyxl): header frozen, percent with one decimal, grouped counts, dates as dates, Có/Không', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chiso-xlsx-'));
    try {
      const scorecard = join(dir, 'scorecard.xlsx');
      const log = join(dir, 'log.xlsx');
      await writeFile(scorecard, Buffer.from(await (await get(`${section}.xlsx?period=2024-Q4`)).arrayBuffer()));
      await writeFile(log, Buffer.from(await (await get('/q/submission_log/s/0/data.xlsx?from=2020-01-01&to=2025-06-15')).arrayBuffer()));
      // Debian's python3 has openpyxl (the pyenv one on PATH does not): a reader that is not exceljs.
      const script = `
import json, sys, openpyxl
card = openpyxl.load_workbook(sys.argv[1]).active
log = openpyxl.load_workbook(sys.argv[2]).active
kind = [c.value for c in card[1]].index('Loại')
value = [c.value for c in card[1]].index('Giá trị')
rows = list(card.iter_rows(min_row=2))
percent = next(r[value] for r in rows if r[kind].value == 'Tỷ lệ (%)' and isinstance(r[value].value, (int, float)))
print(json.dumps({
  'freeze': card.freeze_panes, 'header': [c.value for c in card[1]][:3],
  'percent': [percent.value, percent.number_format],
  'yesno': sorted({r[value].value for r in rows if r[kind].value == 'Có/Không' and r[value].value is not None}),
  'logFreeze': log.freeze_panes, 'date': [log['A2'].is_date, log['A2'].number_format], 'count': log['F2'].number_format,
}))`;
      const run = promisify(execFile);
      const { stdout } = await run('/usr/bin/python3', ['-c', script, scorecard, log]);
      const read = JSON.parse(stdout) as Record<string, unknown>;
      expect(read.freeze).toBe('A2');
      expect(read.header).toEqual(['Mã đơn vị', 'Đơn vị', 'Loại đơn vị']);
      expect((read.percent as [number, string])[1]).toBe('0.0"%"');
      expect((read.percent as [number, string])[0]).toBeGreaterThanOrEqual(0);
      expect(read.yesno).toEqual(['Có', 'Không']);
      expect(read.logFreeze).toBe('A2');
      expect(read.date).toEqual([true, 'dd/mm/yyyy hh:mm']);
      expect(read.count).toBe('#,##0');
      // Opened and saved again by LibreOffice Calc (Debian's, headless): the formats survive it, in its spelling (0.0\%).
      await run('soffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--norestore', '--convert-to', 'xlsx:Calc MS Excel 2007 XML', '--outdir', join(dir, 'lo'), scorecard, log], { timeout: 120_000 });
      const again = JSON.parse((await run('/usr/bin/python3', ['-c', script, join(dir, 'lo', 'scorecard.xlsx'), join(dir, 'lo', 'log.xlsx')])).stdout) as Record<string, unknown>;
      // (Not the frozen header: a headless conversion has no view to keep it in.)
      expect(again.header).toEqual(read.header);
      expect((again.percent as [number, string])[0]).toBe((read.percent as [number, string])[0]);
      expect((again.percent as [number, string])[1].replace(/\\%/, '"%"')).toBe('0.0"%"');
      expect(again.yesno).toEqual(['Có', 'Không']);
      expect(again.date).toEqual([true, expect.stringMatching(/^dd\/mm\/yyyy\\? hh:mm$/i)]);
      expect(again.count).toBe('#,##0');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the API\'s .xlsx keeps its values as the JSON has them (formats only)', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await (await get('/api/queries/district_scorecard?period=2024-Q4&format=xlsx')).arrayBuffer());
    const rows = book.getWorksheet('district_scorecard')!.getSheetValues().slice(2) as unknown[][];
    expect(rows.some((r) => r[11] === true)).toBe(true);
    expect(rows.some((r) => r[3] === 'department')).toBe(true);
  });
});
