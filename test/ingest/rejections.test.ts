import { encrypt } from 'officecrypto-tool';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../functions/domain/limits.ts';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { buildXlsx, csvBytes } from '../helpers/workbook.ts';
import { buildZip } from '../helpers/zip.ts';

let lake: TempLake;
beforeAll(async () => { lake = await tempLake(); });
afterAll(async () => { await lake.cleanup(); });

const FORM = [
  ['Đơn vị: Xã Liên Châu'],
  ['Kỳ báo cáo: Quý III/2024'],
  [],
  ['STT', 'Chỉ tiêu', 'Tỷ lệ (%)'],
  [1, 'Triển khai chữ ký số', 'x'],
];

async function expectRejected(bytes: Uint8Array, name: string, code: string) {
  const result = await lake.ingest(bytes, name);
  expect(result.status, JSON.stringify(result.errors)).toBe('rejected');
  expect(result.errors.map((e) => e.code)).toContain(code);
  for (const e of result.errors) {
    expect(e.message_vi.length).toBeGreaterThan(10);
    expect(e.message_en.length).toBeGreaterThan(10);
  }
  const written = (await lake.files('lake/kpi_values/')).filter((k) => k.includes(result.submission_id));
  expect(written).toEqual([]);
  return result;
}

describe('files that cannot be read are refused plainly, and nothing is written', () => {
  it('a password-protected workbook (ECMA-376 encryption by officecrypto-tool)', async () => {
    const plain = await buildXlsx([{ name: 'Biểu 01', rows: FORM }]);
    const locked = await encrypt(plain, { password: 'matkhau' });
    const result = await expectRejected(locked, 'bao-cao.xlsx', 'FORMAT_ENCRYPTED');
    expect(result.errors[0]!.message_vi).toMatch(/mật khẩu/);
  });

  it('an empty file', () => expectRejected(new Uint8Array(), 'trong.xlsx', 'FILE_EMPTY'));

  it('a truncated workbook', async () => {
    const whole = await buildXlsx([{ name: 'Biểu 01', rows: FORM }]);
    await expectRejected(whole.subarray(0, Math.floor(whole.length / 2)), 'cut.xlsx', 'FILE_CORRUPT');
  });

  it('text renamed to .xlsx, and a zip that is not a workbook', async () => {
    await expectRejected(Buffer.from('hello'), 'fake.xlsx', 'FILE_CORRUPT');
    await expectRejected(buildZip([{ name: 'word/document.xml', data: Buffer.from('<w/>') }]), 'doc.xlsx', 'FILE_CORRUPT');
  });

  it('an unknown kind of file', () => expectRejected(Buffer.from('%PDF-1.7'), 'bao-cao.pdf', 'FORMAT_UNKNOWN'));

  it('a file over the size limit, refused before it is parsed', () =>
    expectRejected(Buffer.alloc(LIMITS.maxFileBytes + 1, 0x41), 'big.csv', 'FILE_TOO_LARGE'));

  it('a zip bomb: one part that inflates 1000-fold', async () => {
    const bomb = buildZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(50 * 1024 * 1024, 0x20) },
    ]);
    expect(bomb.length).toBeLessThan(200_000);
    const before = process.memoryUsage().rss;
    await expectRejected(bomb, 'bomb.xlsx', 'FILE_BOMB');
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('a zip whose headers lie about how large a part is', async () => {
    const liar = buildZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/sharedStrings.xml', data: Buffer.alloc(3 * 1024 * 1024, 0x20), declaredSize: 1000 },
    ]);
    await expectRejected(liar, 'liar.xlsx', 'FILE_CORRUPT');
  });

  it('a CSV in a legacy 8-bit encoding', () =>
    expectRejected(Buffer.from([0x58, 0xe3, 0x20, 0x4c, 0x69, 0xea, 0x6e, 0x0a]), 'ansi.csv', 'CSV_ENCODING'));

  it('a long CSV whose only legacy byte is far past the first slices read', async () => {
    const lines = ['Mã đơn vị,Kỳ báo cáo,Mã chỉ số,Tỷ lệ (%)'];
    for (let i = 0; i < 6000; i++) lines.push(`xa-lien-chau,Quý III/2024,DOC_ONLINE,${i % 100}`);
    const good = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    expect(good.length).toBeGreaterThan(200 * 1024);
    await expectRejected(Buffer.concat([good, Buffer.from([0x58, 0xe3, 0x0a])]), 'late-ansi.csv', 'CSV_ENCODING');
  });

  it('a CSV with an unclosed quote', () =>
    expectRejected(csvBytes('Đơn vị,Kỳ,Chỉ số,Tỷ lệ\n"Xã Liên Châu,2024-Q3,DOC_ONLINE,90\n'), 'q.csv', 'CSV_MALFORMED'));

  it('a sheet with no table in it', () =>
    expectRejected(csvBytes('Ghi chú\nKhông có số liệu\n'), 'note.csv', 'NO_TABLE'));

  it('a table with nothing filled in', () =>
    expectRejected(csvBytes('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý III/2024\nSTT,Chỉ tiêu,Tỷ lệ (%)\n1,Triển khai chữ ký số,\n'), 'blank.csv', 'NO_DATA'));

  it('a formula whose cached value is an error', async () => {
    const bytes = await buildXlsx([{ name: 'Biểu 01', rows: [
      ...FORM.slice(0, 4),
      [1, 'Tỷ lệ cuộc họp được tổ chức theo hình thức trực tuyến', { formula: 'C9/D9', result: { error: '#DIV/0!' } }],
    ] }]);
    const result = await expectRejected(bytes, 'div0.xlsx', 'VALUE_FORMULA_ERROR');
    expect(result.errors[0]).toMatchObject({ row: 5, column: 'C' });
  });
});

describe('what the report says about itself is checked', () => {
  const form = (unitLine: string, periodLine: string, rows: (string | number)[][]) =>
    csvBytes([unitLine, periodLine, 'STT,Chỉ tiêu,Tử số,Mẫu số,Tỷ lệ (%)', ...rows.map((r) => r.join(','))].join('\n'));

  it('an unknown unit, with the nearest suggested', async () => {
    const result = await expectRejected(form('Đơn vị: Xã Liên Chu', 'Kỳ báo cáo: Quý III/2024', [[1, 'DOC_ONLINE', 1, 2, '']]), 'a.csv', 'UNIT_UNKNOWN');
    expect(result.errors[0]!.message_vi).toContain('Xã Liên Châu (xa-lien-chau)');
  });

  it('no unit anywhere', () => expectRejected(form('', 'Kỳ báo cáo: Quý III/2024', [[1, 'DOC_ONLINE', 1, 2, '']]), 'a.csv', 'UNIT_MISSING'));

  it('no period anywhere', () => expectRejected(form('Đơn vị: Xã Liên Châu', '', [[1, 'DOC_ONLINE', 1, 2, '']]), 'a.csv', 'PERIOD_MISSING'));

  it('a period in the sheet that disagrees with the file name', async () => {
    const result = await expectRejected(form('Đơn vị: Xã Liên Châu', 'Kỳ báo cáo: Quý III/2024', [[1, 'DOC_ONLINE', 1, 2, '']]), 'Bao cao Quy IV-2024.csv', 'PERIOD_CONFLICT');
    expect(result.errors[0]!.message_en).toMatch(/2024-Q3.*2024-Q4|2024-Q4.*2024-Q3/);
  });

  it('a period that has not started yet', async () => {
    const result = await expectRejected(form('Đơn vị: Xã Liên Châu', 'Kỳ báo cáo: Quý II/2025', [[1, 'DOC_ONLINE', 1, 2, '']]), 'a.csv', 'PERIOD_IN_FUTURE');
    expect(result.errors[0]!.message_en).toContain('2025-Q2');
  });

  it('a title that names only the year does not conflict with the quarter', async () => {
    const bytes = csvBytes(['BÁO CÁO CHUYỂN ĐỔI SỐ NĂM 2024', 'Đơn vị: Xã Liên Châu', 'Kỳ báo cáo: Quý III/2024', 'STT,Chỉ tiêu,Tử số,Mẫu số', '1,DOC_ONLINE,1,2'].join('\n'));
    const result = await lake.ingest(bytes, 'bao-cao-2024.csv');
    expect(result.errors).toEqual([]);
    expect(result.partitions).toEqual([{ unit: 'xa-lien-chau', period: '2024-Q3' }]);
  });

  it('unit and period taken from the file name when the sheet does not say', async () => {
    const bytes = csvBytes('STT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,3,4\n');
    const result = await lake.ingest(bytes, 'BC_Q2-2024_tt-tam-hong.csv');
    expect(result.errors).toEqual([]);
    expect(result.partitions).toEqual([{ unit: 'tt-tam-hong', period: '2024-Q2' }]);
  });

  it('refuses an indicator the unit\'s type does not report, and a unit that had ceased by the period', async () => {
    const police = await lake.ingest(csvBytes('Đơn vị: Công an huyện\nKỳ báo cáo: Quý II/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,COMMUNITY_TECH_TEAMS,3,4\n'), 'ca.csv');
    expect(police.errors.map((e) => [e.code, `${e.column}${e.row}`])).toEqual([['INDICATOR_NOT_FOR_UNIT_TYPE', 'C4']]);
    // Tam Hồng became a town on 2023-04-10: a 2024 report in the commune's name is refused, naming the town.
    const old = await lake.ingest(csvBytes('Đơn vị: Xã Tam Hồng\nKỳ báo cáo: Quý II/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,3,4\n'), 'th.csv');
    expect(old.errors.map((e) => e.code)).toEqual(['UNIT_RETIRED']);
    expect(old.errors[0]!.message_vi).toBe('Đơn vị Xã Tam Hồng không còn tồn tại từ ngày 2023-04-10 nên không báo cáo kỳ 2024-Q2; hãy báo cáo theo đơn vị kế thừa: Thị trấn Tam Hồng.');
  });

  it('a wide table with a column that is no indicator', async () => {
    const bytes = csvBytes('Kỳ báo cáo: Quý III/2024\nĐơn vị,DOC_ONLINE,DIGITAL_SIGNATURE,Tỷ lệ hộ có cáp quang\nXã Liên Châu,90,x,40\n');
    const result = await expectRejected(bytes, 'wide.csv', 'COLUMN_UNKNOWN');
    expect(result.errors[0]).toMatchObject({ row: 3, column: 'D' });
  });

  it('a row for a unit that is not in the registry, in a long table', async () => {
    const bytes = csvBytes('Đơn vị,Kỳ,Chỉ số,Tỷ lệ\nXã Hoàng Mai,2024-Q3,DOC_ONLINE,90\nXã Liên Châu,2024-Q3,DOC_ONLINE,91\n');
    const result = await expectRejected(bytes, 'long.csv', 'UNIT_UNKNOWN');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ row: 2, column: 'A' });
  });
});
