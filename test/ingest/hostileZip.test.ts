import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { buildXlsx } from '../helpers/workbook.ts';
import { buildZip, readZip, type ZipEntry } from '../helpers/zip.ts';

let lake: TempLake;
let parts: ZipEntry[];
beforeAll(async () => {
  lake = await tempLake();
  parts = await readZip(await buildXlsx([{ name: 'Biểu 01', rows: [
    ['Đơn vị: Xã Liên Châu'], ['Kỳ báo cáo: Quý III/2024'], [], ['STT', 'Chỉ tiêu', 'Tỷ lệ (%)'], [1, 'Triển khai chữ ký số', 'x'],
  ] }]));
});
afterAll(async () => { await lake.cleanup(); });

const SHEET = 'xl/worksheets/sheet1.xml';
/** The same parts, the sheet's entry changed. */
const withSheet = (change: (e: ZipEntry) => ZipEntry[]) => buildZip(parts.flatMap((e) => (e.name === SHEET ? change(e) : [e])));

async function expectRefused(bytes: Buffer, name: string, code: string) {
  const result = await lake.ingest(bytes, name);
  expect(result.status, JSON.stringify(result.errors)).toBe('rejected');
  expect(result.errors.map((e) => e.code)).toEqual([code]);
  expect((await lake.files('lake/kpi_values/')).filter((k) => k.includes(result.submission_id))).toEqual([]);
  return result.errors[0]!;
}

describe('a package programs would read differently is refused', () => {
  it('the parts as they are are accepted (the zip writer of these tests is honest)', async () => {
    const result = await lake.ingest(buildZip(parts), 'honest.xlsx');
    expect(result.errors).toEqual([]);
  });

  it.each([
    ['name', { name: 'xl/worksheets/sheet9.xml' }],
    ['compression method', { method: 0 }],
    ['CRC', { crc: 0x12345678 }],
    ['size', { size: 1 }],
  ])('a local header that disagrees with the central directory: %s', async (_, local) => {
    const error = await expectRefused(withSheet((e) => [{ ...e, local }]), 'lech.xlsx', 'FILE_AMBIGUOUS');
    expect(error.message_vi).toContain('sheet1.xml');
    expect(error.message_en).toMatch(/read different contents/);
  });

  it('two parts of one name: an empty sheet first (what LibreOffice shows), a filled one last', async () => {
    const empty = { name: SHEET, data: Buffer.from('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>') };
    await expectRefused(withSheet((e) => [empty, e]), 'trung-ten.xlsx', 'FILE_AMBIGUOUS');
    await expectRefused(withSheet((e) => [e, { ...e, name: 'xl/worksheets/Sheet1.xml' }]), 'trung-ten-hoa.xlsx', 'FILE_AMBIGUOUS');
  });
});

describe('a macro-enabled workbook (.xlsm) is refused', () => {
  it('by its content type, by a vbaProject.bin part, or by its name', async () => {
    const macroType = buildZip(parts.map((e) => (e.name === '[Content_Types].xml'
      ? { ...e, data: Buffer.from(e.data.toString('utf8').replace('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml', 'application/vnd.ms-excel.sheet.macroEnabled.main+xml')) }
      : e)));
    expect(macroType.toString('latin1')).not.toContain('macroEnabled'); // deflated: found only by reading the part
    const error = await expectRefused(macroType, 'bao-cao.xlsx', 'FORMAT_XLSM');
    expect(error.message_vi).toMatch(/macro/);
    await expectRefused(buildZip([...parts, { name: 'xl/vbaProject.bin', data: Buffer.from('VBA') }]), 'bao-cao.xlsx', 'FORMAT_XLSM');
    await expectRefused(buildZip([...parts].reverse()), 'bao-cao.xlsm', 'FORMAT_XLSM'); // other bytes than the accepted .xlsx
  });
});
