import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readXlsx } from '../../functions/adapters/readers/readXlsx.ts';
import { roundFloat } from '../../functions/domain/ingest/readCell.ts';
import { UNCOMPUTED_FORMULA } from '../../functions/domain/ingest/validateObservation.ts';
import type { Indicator, SheetRow } from '../../functions/domain/types.ts';
import { reportTemplate, TEMPLATE_HEADER_ROW } from '../../functions/http/reportTemplate.ts';
import { catalogIndex, tempLake, type TempLake } from '../helpers/lake.ts';
import { buildZip, readZip } from '../helpers/zip.ts';

/**
 * The template chiso hands out, filled by a program that keeps formulas but calculates none
 * (openpyxl, as scripts and some web tools do): its share formulas are saved with no result.
 * The same file saved by LibreOffice, which calculates, is the reference.
 */
const run = promisify(execFile);
const FILL = fileURLToPath(new URL('../../scripts/fixtures/fill_with_openpyxl.py', import.meta.url));
const SHEET = 'Báo cáo';

const { catalog } = catalogIndex;
const unit = catalog.units.find((u) => u.code === 'xa-lien-chau')!;
const indicators = catalog.indicators.filter((i) => i.reportedBy.includes(unit.type));
const rowOf = (code: string) => TEMPLATE_HEADER_ROW + 1 + indicators.findIndex((i) => i.code === code);
const named = (code: string) => indicators.find((i) => i.code === code)!;

/** Counts for every share (135/256 and on: ratios that are not round), an answer for the rest. */
const counts = new Map(indicators.filter((i) => i.measure === 'percent').map((i, k) => [i.code, { numerator: 135 + 5 * k, denominator: 256 + 7 * k }]));
function filledCells(indicator: Indicator): Record<string, string | number | null> {
  const r = rowOf(indicator.code);
  if (indicator.measure === 'boolean') return { [`E${r}`]: indicator.code === 'PUBLIC_SERVICE_SW' ? 'Không' : 'Có' };
  if (indicator.measure === 'count') return { [`E${r}`]: 4 };
  const { numerator, denominator } = counts.get(indicator.code)!;
  return { [`C${r}`]: numerator, [`D${r}`]: denominator };
}
const everyRow = () => Object.assign({}, ...indicators.map(filledCells)) as Record<string, string | number | null>;

let dir: string;
let template: string;
let lake: TempLake;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-uncalculated-'));
  template = join(dir, 'mau.xlsx');
  await writeFile(template, await reportTemplate(unit, '2024-Q4', indicators, { deadline: '2025-01-10' }));
  lake = await tempLake();
});
afterAll(async () => {
  await lake.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** The template (or another file) with these cells set by openpyxl, as a new file. */
async function openpyxl(name: string, cells: Record<string, string | number | null>, source = template, sheet = SHEET): Promise<string> {
  const out = join(dir, name);
  await run('/usr/bin/python3', [FILL, source, out, JSON.stringify({ sheet, cells })]);
  return out;
}

/** The files opened and saved again by LibreOffice Calc (headless), which calculates every formula. */
async function libreoffice(...files: string[]): Promise<string[]> {
  const outdir = join(dir, 'lo');
  await run('soffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--norestore', '--convert-to', 'xlsx:Calc MS Excel 2007 XML', '--outdir', outdir, ...files], { timeout: 180_000 });
  return files.map((f) => join(outdir, f.slice(dir.length + 1)));
}

async function rowsOf(bytes: Buffer): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const sheet of readXlsx(bytes)) for await (const row of sheet.rows) rows.push(row);
  return rows;
}

const stored = async (id: string) =>
  (await lake.query(`SELECT indicator_code, value, numerator, denominator, source_row, source_column FROM kpi_values WHERE submission_id = '${id}' ORDER BY source_row`))
    .map((r) => ({ ...r, numerator: r.numerator === null ? null : Number(r.numerator), denominator: r.denominator === null ? null : Number(r.denominator) }) as {
      indicator_code: string; value: number; numerator: number | null; denominator: number | null; source_row: number; source_column: string;
    });

/** What the filled template must store: every count as typed, every share their exact ratio. */
const expected = () => indicators.map((i) => {
  const c = counts.get(i.code);
  const value = c ? roundFloat((c.numerator / c.denominator) * 100) : i.measure === 'count' ? 4 : i.code === 'PUBLIC_SERVICE_SW' ? 0 : 1;
  return { indicator_code: i.code, value, numerator: c?.numerator ?? null, denominator: c?.denominator ?? null, source_row: rowOf(i.code), source_column: 'E' };
});

describe('a template filled by a program that does not calculate formulas (openpyxl)', () => {
  it('reads a share formula saved with no result as not calculated, never as #NUM!', async () => {
    const file = await openpyxl('doc-online.xlsx', { [`C${rowOf('DOC_ONLINE')}`]: 135, [`D${rowOf('DOC_ONLINE')}`]: 256 });
    const bytes = await readFile(file);
    // openpyxl really writes the formula with an empty cached value and no type: what is tested here.
    const sheetXml = (await readZip(bytes)).find((e) => e.name === 'xl/worksheets/sheet1.xml')!.data.toString('utf8');
    const r = rowOf('DOC_ONLINE');
    expect(sheetXml).toMatch(new RegExp(`<c r="E${r}" s="\\d+"><f>IF\\(AND\\(ISNUMBER\\(C${r}\\)[^<]*</f><v></v></c>`));
    const rows = await rowsOf(bytes);
    const row = rows.find((x) => x.number === r)!;
    expect(row.cells.slice(2, 5)).toEqual([135, 256, UNCOMPUTED_FORMULA]);
    expect(row.errorColumns).toEqual([4]);
    expect(rows.flatMap((x) => x.cells)).not.toContain('#NUM!');
  });

  it('stores every value exactly, each share derived from its counts, as LibreOffice\'s save of the same file', async () => {
    const file = await openpyxl('day-du.xlsx', everyRow());
    const result = await lake.ingest(await readFile(file), 'mau-bao-cao-xa-lien-chau-2024-Q4.xlsx');
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ status: 'accepted', layout: 'form', partitions: [{ unit: 'xa-lien-chau', period: '2024-Q4' }] });
    const rows = await stored(result.submission_id);
    expect(rows).toEqual(expected());
    expect(rows.find((x) => x.indicator_code === 'DOC_ONLINE')!.value).toBe(52.734375); // 135/256, not the template's ROUND(…,1)

    // LibreOffice calculates the shares (52,7 for 135/256) and saves them: checked against the counts, the same values stored.
    const [saved] = await libreoffice(file);
    const again = await lake.ingest(await readFile(saved!), 'mau-bao-cao-xa-lien-chau-2024-Q4-lo.xlsx');
    expect(again.errors).toEqual([]);
    expect(await stored(again.submission_id)).toEqual(rows);
  }, 240_000);

  it('reads a share row left empty as not reported, as Excel\'s save of it; a numerator alone is incomplete', async () => {
    const cells = everyRow();
    const empty = rowOf('ONLINE_MEETINGS');
    cells[`C${empty}`] = null;
    cells[`D${empty}`] = null;
    const half = rowOf('OFFICIAL_EMAIL');
    cells[`D${half}`] = null; // a numerator alone: as incomplete as with the result cell left blank
    const refused = await lake.ingest(await readFile(await openpyxl('thieu.xlsx', cells)), 'mau-bao-cao-xa-lien-chau-2024-Q4.xlsx');
    expect(refused.status).toBe('rejected');
    expect(refused.errors.map((e) => [e.code, e.sheet, e.row, e.column])).toEqual([['COUNTS_INCOMPLETE', SHEET, half, 'C']]);
    expect(refused.errors.map((e) => e.message).join(' ')).not.toMatch(/#NUM|bị lỗi/);
    expect(await lake.query(`SELECT count(*) AS n FROM kpi_values WHERE submission_id = '${refused.submission_id}'`)).toEqual([{ n: 0 }]);
    // The denominator typed: accepted, the empty row's template formula left as it was and not reported.
    cells[`D${half}`] = 300;
    const accepted = await lake.ingest(await readFile(await openpyxl('du.xlsx', cells)), 'mau-bao-cao-xa-lien-chau-2024-Q4-b.xlsx');
    expect(accepted.errors).toEqual([]);
    const stored = await lake.query(`SELECT indicator_code FROM kpi_values WHERE submission_id = '${accepted.submission_id}'`) as { indicator_code: string }[];
    expect(stored.map((r) => r.indicator_code)).not.toContain('ONLINE_MEETINGS');
    expect(stored.map((r) => r.indicator_code)).toContain('OFFICIAL_EMAIL');
  });

  it('still refuses an error value a calculating program cached (#DIV/0!), and reads its "" as blank', async () => {
    const r = rowOf('DOC_ONLINE');
    const file = await openpyxl('div0.xlsx', { ...everyRow(), [`C${r}`]: 3, [`D${r}`]: 0, [`E${r}`]: `=C${r}/D${r}`, [`C${rowOf('STAFF_DIGITAL_ID')}`]: null, [`D${rowOf('STAFF_DIGITAL_ID')}`]: null });
    const [saved] = await libreoffice(file);
    const bytes = await readFile(saved!);
    const rows = await rowsOf(bytes);
    expect(rows.find((x) => x.number === r)).toMatchObject({ errorColumns: [4] });
    expect(rows.find((x) => x.number === r)!.cells[4]).toBe('#DIV/0!');
    // The template's IF(…,"") for a row left empty: LibreOffice saves "" (t="str"), a blank share, not an error.
    const blank = rows.find((x) => x.number === rowOf('STAFF_DIGITAL_ID'))!;
    expect(blank.errorColumns).toBeUndefined();
    expect(blank.cells[4]).toBe('');

    const result = await lake.ingest(bytes, 'div0.xlsx');
    expect(result.status).toBe('rejected');
    expect(result.errors.map((e) => [e.code, e.row, e.column])).toEqual([['VALUE_FORMULA_ERROR', r, 'E']]);
    expect(result.errors[0]!.message_vi).toBe(`${named('DOC_ONLINE').shortNameVi} — Ô có công thức bị lỗi (#DIV/0!); hãy sửa công thức hoặc ghi số.`);
  }, 240_000);
});

describe('other cells a value is read from', () => {
  it('a self-assessment\'s points left as a formula no program calculated', async () => {
    const source = fileURLToPath(new URL('../fixtures/openpyxl/tu-cham-diem-xa-yen-lac-2025.xlsx', import.meta.url));
    const file = await openpyxl('tu-cham.xlsx', { E7: '=C7' }, source, 'Tự chấm điểm');
    const result = await lake.ingest(await readFile(file), 'tu-cham-diem-xa-yen-lac-2025.xlsx');
    expect(result.errors.map((e) => [e.code, e.row, e.column])).toEqual([['FORMULA_NOT_CALCULATED', 7, 'E']]);
    expect(result.errors[0]!.message_vi).toMatch(/^Chữ ký số — Ô có công thức nhưng chưa có kết quả: .* hoặc ghi giá trị vào ô\.$/);
  });

  it('a count left as a formula, with no count beside it', async () => {
    const r = rowOf('STEERING_MEETINGS');
    const file = await openpyxl('so-lan.xlsx', { ...everyRow(), [`E${r}`]: '=2+2' });
    const result = await lake.ingest(await readFile(file), 'mau-bao-cao-xa-lien-chau-2024-Q4.xlsx');
    expect(result.errors.map((e) => [e.code, e.row, e.column])).toEqual([['FORMULA_NOT_CALCULATED', r, 'E']]);
    const [error] = result.errors;
    expect(error!.message_vi).toBe(`${named('STEERING_MEETINGS').shortNameVi} — Ô có công thức nhưng chưa có kết quả: tệp được lưu bằng một chương trình không tính công thức (tập lệnh, một số công cụ bảng tính trên web). Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi gửi, hoặc ghi giá trị vào ô.`);
    expect(error!.message_en).toContain(`${named('STEERING_MEETINGS').shortNameEn} — The cell holds a formula with no result: the file was saved by a program that does not calculate formulas`);
    expect(error!.message_en).toContain('Open it in Excel or LibreOffice');
  });
});

describe('the reader, cell by cell, as exceljs\'s workbook reader (not its stream reader) reads them', () => {
  const sheetWith = (cells: string) => buildZip([
    { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
    { name: 'xl/workbook.xml', data: Buffer.from('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>') },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>') },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">${cells}</row></sheetData></worksheet>`) },
  ]);

  it('keeps a cached error, boolean, number or "" and tells a formula with no cached value from an error', async () => {
    const [row] = await rowsOf(sheetWith([
      '<c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c>', // a cached error: that error, not #NUM!
      '<c r="B1" t="b"><f>TRUE()</f><v>1</v></c>',
      '<c r="C1"><f>1+1</f><v>2</v></c>',
      '<c r="D1" t="str"><f>""</f><v></v></c>', // Excel and LibreOffice: a formula giving ""
      '<c r="E1"><f>C1*2</f><v></v></c>', // openpyxl: no cached value
      '<c r="F1"><f>C1*3</f></c>', // exceljs given no result: no <v> at all
      '<c r="G1"><v></v></c>', // an empty number: nothing, not NaN
      '<c r="H1"><v>7</v></c>',
    ].join('')));
    expect(row!.cells).toEqual(['#DIV/0!', true, 2, '', UNCOMPUTED_FORMULA, UNCOMPUTED_FORMULA, null, 7]);
    expect(row!.errorColumns).toEqual([0, 4, 5]);
  });
});
