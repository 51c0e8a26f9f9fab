import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readXlsx } from '../../functions/adapters/readers/readXlsx.ts';
import { RejectedFileError } from '../../functions/domain/ingest/errors.ts';
import { LIMITS } from '../../functions/domain/limits.ts';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { buildXlsx } from '../helpers/workbook.ts';
import { buildZip, readZip, reorderZip } from '../helpers/zip.ts';

let lake: TempLake;
beforeAll(async () => { lake = await tempLake(); });
afterAll(async () => { await lake.cleanup(); });

const fixture = (name: string) => readFile(new URL(`../fixtures/openpyxl/${name}`, import.meta.url));
const values = async (id: string) =>
  (await lake.query(`SELECT unit, period, indicator_code, numerator, denominator, value FROM kpi_values WHERE submission_id = '${id}' ORDER BY unit, indicator_code`))
    .map((r) => [r.unit, r.period, r.indicator_code, Number(r.numerator), Number(r.denominator), r.value]);

describe('workbooks written by openpyxl (sheets stored before the workbook part)', () => {
  it('reads the visible tab, skips the hidden lookup sheet before it, and keeps every value exact', async () => {
    const bytes = await fixture('tong-hop-quy4-2024.xlsx');
    const names = (await readZip(bytes)).map((e) => e.name);
    expect(names.indexOf('xl/workbook.xml')).toBeGreaterThan(names.indexOf('xl/worksheets/sheet2.xml')); // as openpyxl stores it
    const result = await lake.ingest(bytes, 'tong-hop-quy4-2024.xlsx');
    expect(result.errors).toEqual([]);
    expect(await values(result.submission_id)).toEqual([
      ['xa-dai-tu', '2024-Q4', 'DOSSIERS_ONLINE', 12, 16, 75],
      ['xa-dai-tu', '2024-Q4', 'OFFICIAL_EMAIL', 20, 20, 100],
      ['xa-lien-chau', '2024-Q4', 'DOSSIERS_ONLINE', 45, 50, 90],
      ['xa-lien-chau', '2024-Q4', 'OFFICIAL_EMAIL', 30, 40, 75],
    ]);
  });

  it('names the tab as the clerk sees it in an error, not "Sheet1"', async () => {
    const result = await lake.ingest(await fixture('tong-hop-quy4-2024-loi.xlsx'), 'tong-hop-quy4-2024-loi.xlsx');
    expect(result.status).toBe('rejected');
    expect(result.errors.map((e) => [e.sheet, e.row, e.column])).toEqual([['Tổng hợp', 6, 'E']]);
  });
});

describe('merged cells', () => {
  it('reads a unit and a period merged down over their rows as naming each row (openpyxl)', async () => {
    const result = await lake.ingest(await fixture('gop-don-vi-quy4-2024.xlsx'), 'gop-don-vi-quy4-2024.xlsx');
    expect(result.errors).toEqual([]);
    expect((await values(result.submission_id)).map((r) => r.slice(0, 5))).toEqual([
      ['xa-dai-tu', '2024-Q4', 'DOC_ONLINE', 1, 4],
      ['xa-dai-tu', '2024-Q4', 'OFFICIAL_EMAIL', 2, 8],
      ['xa-lien-chau', '2024-Q4', 'DOC_ONLINE', 9, 10],
      ['xa-lien-chau', '2024-Q4', 'OFFICIAL_EMAIL', 30, 40],
      ['xa-lien-chau', '2024-Q4', 'STAFF_DIGITAL_ID', 5, 20],
    ]);
  });

  it('fills a merge written by exceljs as well, and only down its own rows', async () => {
    const bytes = await buildXlsx([{
      name: 'Dài',
      merges: ['A2:A3', 'A4:A5'],
      rows: [['Đơn vị', 'Kỳ báo cáo', 'Chỉ tiêu', 'Tử số', 'Mẫu số'],
        ['Thị trấn Tam Hồng', 'Quý IV/2024', 'DOC_ONLINE', 3, 4], [null, 'Quý IV/2024', 'OFFICIAL_EMAIL', 1, 2],
        ['Xã Tề Lỗ', 'Quý IV/2024', 'DOC_ONLINE', 1, 4], [null, 'Quý IV/2024', 'OFFICIAL_EMAIL', 2, 2]],
    }]);
    const result = await lake.ingest(bytes, 'dai.xlsx');
    expect(result.errors).toEqual([]);
    expect((await values(result.submission_id)).map((r) => `${r[0]} ${r[2]}`)).toEqual(['tt-tam-hong DOC_ONLINE', 'tt-tam-hong OFFICIAL_EMAIL', 'xa-te-lo DOC_ONLINE', 'xa-te-lo OFFICIAL_EMAIL']);
  });
});

describe('the zip order of a package does not matter', () => {
  const workbook = () => buildXlsx([
    { name: 'Danh mục', state: 'hidden', rows: [['Đơn vị'], ['Xã Tam Hồng']] },
    { name: 'Báo cáo Quý IV', rows: [['Đơn vị: Xã Liên Châu'], ['Kỳ báo cáo: Quý IV/2024'], ['STT', 'Chỉ tiêu', 'Tử số', 'Mẫu số'], [1, 'DOC_ONLINE', 9, 10], [2, 'OFFICIAL_EMAIL', 'ba', 40]] },
  ]);

  for (const [order, first, last] of [
    ['workbook part first', (n: string) => n === 'xl/workbook.xml', () => false],
    ['workbook part, rels and shared strings last', () => false, (n: string) => /^xl\/(workbook\.xml|_rels\/workbook\.xml\.rels|sharedStrings\.xml)$/.test(n)],
  ] as const) {
    it(`${order}: names the tab in an error and skips the hidden sheet`, async () => {
      const bytes = await reorderZip(await workbook(), first, last);
      const names = (await readZip(bytes)).map((e) => e.name);
      expect(order.startsWith('workbook part first') ? names[0] : names.at(-1)).toMatch(/xl\/(workbook\.xml|sharedStrings\.xml|_rels\/workbook\.xml\.rels)/);
      const result = await lake.ingest(bytes, `${order}.xlsx`);
      expect(result.errors.map((e) => [e.sheet, e.row, e.column, e.code])).toEqual([['Báo cáo Quý IV', 5, 'C', 'VALUE_INVALID']]);
    });
  }
});

describe('shared strings are bounded before they are kept', () => {
  const withStrings = (count: number, text: string) => {
    const si = `<si><r><rPr><b/></rPr><t>${text}</t></r></si>`.repeat(count);
    return buildZip([
      { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>') },
      { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>') },
      { name: 'xl/sharedStrings.xml', data: Buffer.from(`<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${si}</sst>`) },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.from('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>') },
    ]);
  };
  const read = async (bytes: Buffer, limits = LIMITS) => {
    const sheets: string[][] = [];
    for await (const sheet of readXlsx(bytes, limits)) {
      const cells: string[] = [];
      for await (const row of sheet.rows) cells.push(...row.cells.map(String));
      sheets.push(cells);
    }
    return sheets;
  };

  it('reads rich-text shared strings as their text', async () => {
    expect(await read(withStrings(3, 'Xã Liên Châu'))).toEqual([['Xã Liên Châu']]);
  });

  it('refuses more strings, or more characters, than the limits, naming the limit', async () => {
    const many = read(withStrings(1200, 'a'), { ...LIMITS, maxSharedStrings: 1000 });
    await expect(many).rejects.toBeInstanceOf(RejectedFileError);
    await expect(many).rejects.toMatchObject({ error: { code: 'SHARED_STRINGS_TOO_LARGE' } });
    await expect(read(withStrings(100, 'x'.repeat(100)), { ...LIMITS, maxSharedStringChars: 5000 })).rejects.toMatchObject({ error: { code: 'SHARED_STRINGS_TOO_LARGE' } });
    expect(await read(withStrings(100, 'x'.repeat(10)), { ...LIMITS, maxSharedStringChars: 5000 })).toHaveLength(1);
  });
});
