import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { buildXlsx } from '../helpers/workbook.ts';

let lake: TempLake;
beforeAll(async () => { lake = await tempLake(); });
afterAll(async () => { await lake.cleanup(); });

const values = async (id: string) =>
  (await lake.query(`SELECT unit, period, indicator_code, value, numerator, denominator FROM kpi_values WHERE submission_id = '${id}' ORDER BY unit, indicator_code`));

describe('workbooks written by exceljs', () => {
  it('reads every visible sheet, skips hidden ones and sheets with no table', async () => {
    const bytes = await buildXlsx([
      { name: 'Hướng dẫn', rows: [['Điền số liệu vào các trang sau.']] },
      { name: 'Xã Liên Châu', rows: [['Đơn vị: Xã Liên Châu'], ['Kỳ báo cáo: 6 tháng đầu năm 2024'], ['STT', 'Chỉ tiêu', 'Kết quả'], [1, 'DOC_ONLINE', { value: 0.8, numFmt: '0%' }]] },
      { name: 'Xã Đại Tự', rows: [['Đơn vị: Xã Đại Tự'], ['Kỳ báo cáo: 6 tháng đầu năm 2024'], ['STT', 'Chỉ tiêu', 'Kết quả'], [1, 'DOC_ONLINE', '70%']] },
      { name: 'DM', state: 'hidden', rows: [['Đơn vị', 'DOC_ONLINE', 'OFFICIAL_EMAIL'], ['Xã Tam Hồng', 10, 20]] },
    ]);
    const result = await lake.ingest(bytes, 'hai-xa.xlsx');
    expect(result.errors).toEqual([]);
    expect((await values(result.submission_id)).map((r) => [r.unit, r.period, r.value])).toEqual([
      ['xa-dai-tu', '2024-H1', 70],
      ['xa-lien-chau', '2024-H1', 80],
    ]);
  });

  it('reads a wide table whose indicators carry numerator, denominator and share under a merged name', async () => {
    const bytes = await buildXlsx([{
      name: 'TH',
      merges: ['C3:E3', 'F3:G3', 'A3:A4', 'B3:B4'],
      rows: [
        ['BẢNG TỔNG HỢP THÁNG 9 NĂM 2024'],
        [],
        ['STT', 'Tên đơn vị', 'Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận trực tuyến'.normalize('NFD'), null, null, 'Thư điện tử công vụ', null],
        [null, null, 'Tử số', 'Mẫu số', 'Tỷ lệ (%)', 'Tử số', 'Mẫu số'],
        ['(1)', '(2)', '(3)', '(4)', '(5)', '(6)', '(7)'],
        [1, 'UBND xã Hồng Châu', 40, 80, { formula: 'C6/D6*100', result: 50 }, 9, 10],
        [2, 'Hồng Phương', '1.200', '1.600', null, 0, 10],
      ],
    }]);
    const result = await lake.ingest(bytes, 'tong-hop.xlsx');
    expect(result.errors).toEqual([]);
    expect(result.layout).toBe('wide');
    expect(await values(result.submission_id)).toEqual([
      { unit: 'xa-hong-chau', period: '2024-09', indicator_code: 'DOSSIERS_ONLINE', value: 50, numerator: 40, denominator: 80 },
      { unit: 'xa-hong-chau', period: '2024-09', indicator_code: 'OFFICIAL_EMAIL', value: 90, numerator: 9, denominator: 10 },
      { unit: 'xa-hong-phuong', period: '2024-09', indicator_code: 'DOSSIERS_ONLINE', value: 75, numerator: 1200, denominator: 1600 },
      { unit: 'xa-hong-phuong', period: '2024-09', indicator_code: 'OFFICIAL_EMAIL', value: 0, numerator: 0, denominator: 10 },
    ]);
  });

  it('accepts a share formula left as a fraction when its counts agree, and refuses one that does not', async () => {
    const form = (cached: number) => buildXlsx([{ name: 'B1', rows: [
      ['Đơn vị: Xã Tề Lỗ'], ['Kỳ báo cáo: Tháng 10/2024'], ['STT', 'Chỉ tiêu', 'Tử số', 'Mẫu số', 'Tỷ lệ'],
      [1, 'CASHLESS_PAYMENTS', 45, 60, { formula: 'C4/D4', result: cached }],
    ] }]);
    const ok = await lake.ingest(await form(0.75), 'te-lo.xlsx');
    expect(ok.errors).toEqual([]);
    expect((await values(ok.submission_id))[0]!.value).toBe(75);
    const bad = await lake.ingest(await form(0.5), 'te-lo-2.xlsx');
    expect(bad.errors.map((e) => [e.code, e.column, e.row])).toEqual([['VALUE_DISAGREES', 'E', 4]]);
  });
});
