/**
 * Trust, part two, item 6: the caps that keep a server alive are counted in the readers, as the
 * file is read, so every face (the local server's worker, `chiso ingest`, both Lambda functions,
 * which ingest in process) refuses the same files the same way before their memory is spent.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readXlsx } from '../../functions/adapters/readers/readXlsx.ts';
import { RejectedFileError } from '../../functions/domain/ingest/errors.ts';
import { LIMITS } from '../../functions/domain/limits.ts';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { buildZip } from '../helpers/zip.ts';

const HOSTILE = fileURLToPath(new URL('../helpers/hostile_xlsx.py', import.meta.url));
const IN_PROCESS = fileURLToPath(new URL('../helpers/ingestInProcess.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
let lake: TempLake;
let work: string;
beforeAll(async () => { lake = await tempLake(); work = mkdtempSync(join(tmpdir(), 'chiso-caps-')); });
afterAll(async () => { await lake.cleanup(); rmSync(work, { recursive: true, force: true }); });

const hostile = (mode: string, count: number) => {
  const file = join(work, `${mode}-${count}.xlsx`);
  execFileSync('python3', [HOSTILE, mode, file, String(count)]);
  return file;
};

/** Rows read, or the code of the error that stopped the reading. */
async function readAll(bytes: Buffer, limits = LIMITS): Promise<{ rows: (string | number | boolean | Date | null)[][]; code: string | null; detail?: string }> {
  const rows: (string | number | boolean | Date | null)[][] = [];
  try {
    for await (const sheet of readXlsx(bytes, limits)) for await (const row of sheet.rows) rows.push(row.cells);
    return { rows, code: null };
  } catch (error) {
    if (error instanceof RejectedFileError) return { rows, code: error.error.code, detail: error.error.message_en };
    throw error;
  }
}

/** A one-sheet package with this sheet XML (and these styles, if any). */
async function workbook(sheetData: string, styles?: string): Promise<Buffer> {
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const rel = (id: string, type: string, target: string) => `<Relationship Id="${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/${type}" Target="${target}"/>`;
  return buildZip([
    { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>') },
    { name: 'xl/workbook.xml', data: Buffer.from(`<?xml version="1.0"?><workbook ${ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Biểu" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rel('rId1', 'worksheet', 'worksheets/sheet1.xml')}${styles ? rel('rId2', 'styles', 'styles.xml') : ''}</Relationships>`) },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(`<?xml version="1.0"?><worksheet ${ns}><sheetData>${sheetData}</sheetData></worksheet>`) },
    ...(styles ? [{ name: 'xl/styles.xml', data: Buffer.from(`<?xml version="1.0"?><styleSheet ${ns}>${styles}</styleSheet>`) }] : []),
  ]);
}

describe('caps counted as the file is read', () => {
  it('a styles part of more cell formats than Excel allows is refused, before the workbook is read further', async () => {
    const bytes = readFileSync(hostile('styles', 600_000));
    expect(bytes.length).toBeLessThan(1024 * 1024);
    const result = await lake.ingest(bytes, 'kieu.xlsx');
    expect(result.errors.map((e) => e.code)).toEqual(['FILE_TOO_COMPLEX']);
    expect(result.errors[0]!.message_vi).toContain('500,000 thẻ XML');
    expect(result.errors[0]!.message_en).toMatch(/needs more memory.*XML elements/);
  }, 60_000);

  it('one text longer than a cell can hold is refused as its bytes arrive, not after the parser kept it', async () => {
    const result = await lake.ingest(readFileSync(hostile('long-text', 2)), 'tieu-de.xlsx');
    expect(result.errors.map((e) => e.code)).toEqual(['FILE_TOO_COMPLEX']);
    expect(result.errors[0]!.message_en).toContain('in one XML node');
    // A title of Excel's largest cell, 32,767 characters, is read.
    const title = 'ệ'.repeat(32_767);
    const read = await readAll(await workbook(`<row r="1"><c r="A1" t="inlineStr"><is><t>${title}</t></is></c></row>`));
    expect(read).toEqual({ rows: [[title]], code: null });
  }, 60_000);

  it('cells are counted across every sheet, to the cell', async () => {
    const bytes = await workbook('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row><row r="2"><c r="A2"><v>3</v></c></row>');
    expect(await readAll(bytes, { ...LIMITS, maxCells: 3 })).toEqual({ rows: [[1, 2], [3]], code: null });
    expect((await readAll(bytes, { ...LIMITS, maxCells: 2 })).code).toBe('FILE_TOO_COMPLEX');
  });

  it('elements of a part read whole, and XML nodes, are counted to the element and the character', async () => {
    const styles = '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs>';
    const text = 'Liên Châu '.repeat(20); // 200 characters
    const bytes = await workbook(`<row r="1"><c r="A1" s="1"><v>0.955</v></c><c r="B1" t="inlineStr"><is><t>${text}</t></is></c></row>`, styles);
    // styleSheet, numFmts, numFmt, cellXfs and two xf: six elements.
    expect(await readAll(bytes, { ...LIMITS, maxPartTags: 6, maxXmlNodeBytes: 200 })).toEqual({ rows: [[0.955, text]], code: null });
    expect((await readAll(bytes, { ...LIMITS, maxPartTags: 5 })).detail).toContain('xl/styles.xml');
    expect((await readAll(bytes, { ...LIMITS, maxXmlNodeBytes: 199 })).code).toBe('FILE_TOO_COMPLEX');
  });

  it('reads an inline string as its runs together, without reading hints, and keeps a split character whole', async () => {
    const bytes = await workbook('<row r="1"><c r="A1" t="inlineStr"><is><r><t>Xã </t></r><r><rPr><b/></rPr><t>Liên Châu</t></r><rPh><t>x</t></rPh></is></c></row>');
    expect(await readAll(bytes)).toEqual({ rows: [['Xã Liên Châu']], code: null });
  });
});

describe('in process, as a Lambda function ingests', () => {
  it('refuses a 5.5-million-format styles part, a 400 MB title and 300,001 values with FILE_TOO_COMPLEX, under 400 MB RSS', async () => {
    // Before the caps, in process: the styles 901 MB accepted, the title 1,063 MB, the values accepted.
    const files = [hostile('styles', 5_500_000), hostile('long-text', 400), hostile('values', LIMITS.maxValues + 1)];
    const { stdout } = await run(process.execPath, ['--import', 'tsx', IN_PROCESS, ...files], { cwd: ROOT, timeout: 280_000 });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { files: { status: string; codes: string[] }[]; peakRssMb: number };
    console.log(`in process: ${JSON.stringify(report)}`);
    expect(report.files.map((f) => [f.status, f.codes])).toEqual(files.map(() => ['rejected', ['FILE_TOO_COMPLEX']]));
    expect(report.peakRssMb).toBeLessThan(400);
  }, 300_000);
});
