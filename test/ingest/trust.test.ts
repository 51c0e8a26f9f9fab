import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../functions/adapters/duckdb/DuckDbEngine.ts';
import { loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';
import { toRows } from '../../functions/http/render.ts';
import { writeDimensions } from '../../functions/services/dimensions.ts';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { buildXlsx, csvBytes, type CellSpec } from '../helpers/workbook.ts';

let lake: TempLake;
beforeAll(async () => { lake = await tempLake({ now: new Date('2026-05-01T03:00:00Z') }); });
afterAll(async () => { await lake.cleanup(); });

const HEADER = ['STT', 'Chỉ tiêu', 'Tử số', 'Mẫu số', 'Tỷ lệ (%)'];

/** A form as a clerk fills it in Excel: the unit and period lines above the table. */
const form = (unit: string, period: string, rows: CellSpec[][]) =>
  buildXlsx([{ name: 'Biểu 01', rows: [['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'], [`Đơn vị: ${unit}`], [`Kỳ báo cáo: ${period}`], [], HEADER, ...rows] }]);

const values = (id: string) => lake.query(`SELECT unit, indicator_code, value, numerator, denominator FROM kpi_values WHERE submission_id = '${id}' ORDER BY source_row`);

describe('a report is booked to the unit it names, never to its successor', () => {
  const rows = [[1, 'DOC_ONLINE', 45, 50, ''], [2, 'Triển khai chữ ký số', '', '', 'x']];

  it('a town merged into a new commune: with or without "UBND", refused naming the commune', async () => {
    // Thị trấn Yên Lạc ceased on 2025-07-01, merged into the new, larger Xã Yên Lạc: another territory.
    for (const name of ['Thị trấn Yên Lạc', 'UBND Thị trấn Yên Lạc', 'Ủy ban nhân dân TT Yên Lạc']) {
      const result = await lake.ingest(await form(name, 'Quý I/2026', rows), 'bao-cao.xlsx');
      expect(result.status, name).toBe('rejected');
      expect(result.errors.map((e) => e.code), name).toEqual(['UNIT_RETIRED']);
      // By name, never by code: the clerk knows her town as "Thị trấn Yên Lạc", not tt-yen-lac.
      expect(result.errors[0]!.message_vi).toContain('Đơn vị Thị trấn Yên Lạc không còn tồn tại');
      expect(result.errors[0]!.message_vi).toContain('kế thừa: Xã Yên Lạc.');
      expect(result.errors[0]!.message_vi).not.toMatch(/tt-yen-lac|xa-yen-lac/);
    }
    expect(await lake.query(`SELECT count(*) AS n FROM kpi_values WHERE unit = 'xa-yen-lac'`)).toEqual([{ n: 0 }]);
  });

  it('the commune itself, with or without "UBND", is accepted', async () => {
    for (const name of ['Xã Yên Lạc', 'UBND xã Yên Lạc']) {
      const result = await lake.ingest(await form(name, 'Quý I/2026', rows), `${name}.xlsx`);
      expect(result.errors, name).toEqual([]);
      expect(result.partitions).toEqual([{ unit: 'xa-yen-lac', period: '2026-Q1' }]);
    }
  });

  it('a unit retired with no successor is refused saying so, never naming itself', async () => {
    const result = await lake.ingest(await form('Xã Hồng Phương', 'Quý I/2025', rows), 'hp.xlsx');
    expect(result.errors.map((e) => e.code)).toEqual(['UNIT_RETIRED']);
    expect(result.errors[0]!.message_en).toContain('report as its successor: — (không ghi nhận đơn vị kế thừa / no successor recorded)');
    expect(result.errors[0]!.message_en.match(/Hong Phuong|Hồng Phương/g)).toHaveLength(1);
    expect(result.errors[0]!.message_en).not.toContain('xa-hong-phuong');
  });
});

describe('a share stored is the ratio of its counts', () => {
  it('the template\'s rounded share (ROUND(C/D*100,1) = 52.7) is checked; 135/256 is stored exactly', async () => {
    const bytes = await form('Xã Yên Lạc', 'Quý I/2026', [
      [1, 'DOC_ONLINE', 135, 256, { formula: 'IF(AND(ISNUMBER(C6),ISNUMBER(D6),D6>0),ROUND(C6/D6*100,1),"")', result: 52.7 }],
    ]);
    const result = await lake.ingest(bytes, 'ty-le.xlsx');
    expect(result.errors).toEqual([]);
    expect(await values(result.submission_id)).toEqual([
      { unit: 'xa-yen-lac', indicator_code: 'DOC_ONLINE', value: 52.734375, numerator: 135, denominator: 256 },
    ]);
  });

  it('agrees within half a point: 0.4 off is accepted (and the ratio stored), 0.6 off either way is refused', async () => {
    const csv = (share: string) => csvBytes(`Đơn vị: Xã Yên Lạc\nKỳ báo cáo: Quý I/2026\nSTT;Chỉ tiêu;Tử số;Mẫu số;Tỷ lệ (%)\n1;DOC_ONLINE;1;2;${share}\n`);
    for (const share of ['50,4', '49,6']) {
      const ok = await lake.ingest(csv(share), `ok-${share}.csv`);
      expect(ok.errors, share).toEqual([]);
      expect((await values(ok.submission_id))[0]!.value).toBe(50);
    }
    for (const share of ['50,6', '49,4']) {
      const off = await lake.ingest(csv(share), `off-${share}.csv`);
      expect(off.errors.map((e) => [e.code, `${e.column}${e.row}`]), share).toEqual([['VALUE_DISAGREES', 'E4']]);
    }
  });
});

describe('a total row is skipped in every layout', () => {
  it('in a form, and in a wide table with the label in the STT column', async () => {
    const inForm = await lake.ingest(await form('Xã Yên Lạc', 'Quý I/2026', [[1, 'DOC_ONLINE', 45, 50, ''], [2, 'OFFICIAL_EMAIL', 30, 40, ''], [null, 'Tổng cộng', 75, 90, '']]), 'tong-form.xlsx');
    expect(inForm.errors).toEqual([]);
    expect(inForm.rows).toBe(2);
    const wide = await buildXlsx([{ name: 'Tổng hợp', merges: ['A6:B6'], rows: [
      ['Kỳ báo cáo: Quý I/2026'], [], ['STT', 'Đơn vị', 'OFFICIAL_EMAIL'], [1, 'Xã Yên Lạc', 90], [2, 'Xã Liên Châu', 80], ['TỔNG CỘNG', null, 85],
    ] }]);
    const inWide = await lake.ingest(wide, 'tong-wide.xlsx');
    expect(inWide.errors).toEqual([]);
    expect(inWide.rows).toBe(2);
  });
});

describe('quality warnings: a jump is more than 30 points', () => {
  it('29 points either way is none, 31 either way is one', async () => {
    const csv = (unit: string, period: string, n: number) => csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: ${period}\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,${n},100\n`);
    const moves: [string, number][] = [['Xã Tề Lỗ', 89], ['Xã Tam Hồng', 91], ['Xã Nguyệt Đức', 31], ['Xã Liên Châu', 29]];
    for (const [unit, now] of moves) {
      for (const [period, n] of [['Quý IV/2025', 60], ['Quý I/2026', now]] as const) {
        const r = await lake.ingest(csv(unit, period, n), `${unit}-${period}.csv`);
        expect(r.errors, `${unit} ${period}`).toEqual([]);
      }
    }
    await writeDimensions(lake.fs, lake.deps.catalog.catalog);
    const engine = await DuckDbEngine.open(lake.dir);
    try {
      const rows = toRows(await engine.run(loadSavedQueries(SQL_DIR).get('quality_warnings')!.sql, { period: '2026-Q1' }));
      expect(rows.filter((r) => r.kind === 'jump').map((r) => [r.unit, r.value, r.reference])).toEqual([
        ['xa-lien-chau-2025', 29, 60],
        ['xa-tam-hong-2025', 91, 60],
      ]);
    } finally {
      await engine.close();
    }
  });
});
