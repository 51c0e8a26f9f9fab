import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../functions/services/ingestFile.ts';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { DuckDbEngine } from '../../functions/adapters/duckdb/DuckDbEngine.ts';
import { loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';
import { toRows } from '../../functions/http/render.ts';
import { buildXlsx, type CellSpec } from '../helpers/workbook.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/openpyxl/${name}`, import.meta.url)));
const demo = (name: string) => new Uint8Array(readFileSync(new URL(`../../demo/${name}`, import.meta.url)));

let lake: TempLake;
beforeAll(async () => { lake = await tempLake({ now: new Date('2026-11-01T00:00:00Z') }); });
afterAll(async () => { await lake.cleanup(); });

describe('self-assessed and appraised points', () => {
  it('reads a self-assessment written by openpyxl: points per component, evidence, section rows skipped', async () => {
    const result = await lake.ingest(fixture('tu-cham-diem-xa-yen-lac-2025.xlsx'), 'tu-cham-diem-xa-yen-lac-2025.xlsx');
    expect(result.errors).toEqual([]);
    expect(result.layout).toBe('assessment');
    expect(result.partitions).toEqual([{ unit: 'xa-yen-lac', period: '2025' }]);
    const rows = await lake.query(`SELECT indicator_code, value, note, assessment, source_column, source_row FROM kpi_values WHERE submission_id = '${result.submission_id}' ORDER BY source_row`);
    expect(rows).toEqual([
      { indicator_code: 'DIGITAL_SIGNATURE', value: 30, note: 'Quyết định 12/QĐ-UBND', assessment: 'self', source_column: 'E', source_row: 7 },
      { indicator_code: 'DOC_ONLINE', value: 96.5, note: 'Báo cáo hệ thống QLVB', assessment: 'self', source_column: 'E', source_row: 8 },
      { indicator_code: 'STEERING_MEETINGS', value: 22.5, note: 'Biên bản 3 cuộc họp', assessment: 'self', source_column: 'E', source_row: 9 },
      { indicator_code: 'DOSSIERS_ONLINE', value: 131.2, note: 'Số liệu Cổng dịch vụ công', assessment: 'self', source_column: 'E', source_row: 11 },
    ]);
    // Points are not values: the values a leader sees are untouched.
    expect(await lake.query(`SELECT count(*) AS n FROM kpi_values v WHERE v.unit = 'xa-yen-lac' AND v.assessment IS NULL`)).toEqual([{ n: 0 }]);
  });

  it('refuses points above the maximum, a maximum of another framework and a component not scored, each where it is', async () => {
    const result = await lake.ingest(fixture('tu-cham-diem-xa-yen-lac-2025-loi.xlsx'), 'loi.xlsx');
    expect(result.status).toBe('rejected');
    expect(result.errors.map((e) => [e.code, `${e.sheet}!${e.column}${e.row}`])).toEqual([
      ['POINTS_ABOVE_MAX', 'Tự chấm điểm!E7'],
      ['MAX_POINTS_DIFFER', 'Tự chấm điểm!C9'],
      ['INDICATOR_NOT_SCORED', 'Tự chấm điểm!E12'],
    ]);
    expect(result.errors[0]!.message_vi).toBe('Chữ ký số — Điểm 31 vượt điểm tối đa 30 của bộ chỉ số xa-2025.');
  });

  it('takes the appraisal from the province only; a unit\'s account may not send it', async () => {
    const appraisal = demo('tham-dinh-xa-lien-chau-quy-III-2026.xlsx');
    const clerk = await ingestFile({ bytes: appraisal, fileName: 'tham-dinh.xlsx', allowedUnits: ['xa-lien-chau-2025'] }, lake.deps);
    expect(clerk.errors.map((e) => e.code)).toEqual(['APPRAISAL_BY_PROVINCE_ONLY']);
    const own = await ingestFile({ bytes: demo('tu-cham-diem-xa-lien-chau-quy-III-2026.xlsx'), fileName: 'tu-cham.xlsx', allowedUnits: ['xa-lien-chau-2025'] }, lake.deps);
    expect(own.errors).toEqual([]);
  });
});

describe('a self-assessment\'s total row', () => {
  /** The form units fill in Excel, with a total under the components. */
  const assessment = (total: CellSpec[], merges: string[] = []) => buildXlsx([{ name: 'Tự chấm điểm', merges, rows: [
    ['UBND XÃ YÊN LẠC', null, null, null, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'],
    ['BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CHUYỂN ĐỔI SỐ CẤP XÃ NĂM 2025'],
    ['Đơn vị: Xã Yên Lạc'],
    [],
    ['STT', 'Chỉ số / chỉ số thành phần', 'Điểm tối đa', 'Cách xác định', 'Điểm tự chấm', 'Giải trình / tài liệu kiểm chứng'],
    ['I', 'CHÍNH QUYỀN SỐ'],
    [1, 'Triển khai chữ ký số', 30, 'Có: điểm tối đa', 30, 'Quyết định 12/QĐ-UBND'],
    [2, 'Tỷ lệ văn bản đi, đến được xử lý trên phần mềm Quản lý văn bản và điều hành', 100, 'Tử số / mẫu số × điểm tối đa', 96.5, ''],
    ['II', 'DỊCH VỤ CÔNG TRỰC TUYẾN'],
    [3, 'Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận trực tuyến', 150, 'Tử số / mẫu số × điểm tối đa', 131.2, ''],
    total,
    [],
    [null, 'Người lập biểu', null, null, 'Chủ tịch UBND xã'],
  ] }]);

  it('is skipped however it is labelled, and a total that is the sum raises nothing', async () => {
    for (const [label, merges] of [[[null, 'TỔNG CỘNG'], []], [[null, 'Tổng cộng (I+II)'], []], [['Tổng điểm', null], ['A11:B11']]] as const) {
      const bytes = await assessment([...label, 280, null, { formula: 'SUM(E7:E10)', result: 257.7 }], [...merges]);
      const result = await lake.ingest(bytes, `tu-cham-${label.join('')}.xlsx`);
      expect(result.errors, label.join('')).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.rows).toBe(3);
    }
  });

  it('that is not the sum of its rows is a warning, not a refusal: the rows are stored', async () => {
    const result = await lake.ingest(await assessment([null, 'Tổng điểm tự chấm', 280, null, 258.7]), 'tu-cham-tong-sai.xlsx');
    expect(result.status).toBe('accepted');
    expect(result.rows).toBe(3);
    expect(result.warnings!.map((w) => [w.code, `${w.column}${w.row}`])).toEqual([['TOTAL_DIFFERS', 'E11']]);
    expect(result.warnings![0]!.message_vi).toContain('258,7');
    expect(result.warnings![0]!.message_en).toContain('257.7');
  });
});

describe('the published score: appraised where given, else the values\' points; the gap beside', () => {
  it('on the demo lake, for the new Xã Liên Châu in 2026-Q3', async () => {
    const { inject } = await import('vitest');
    const engine = await DuckDbEngine.open(inject('demoLake'));
    try {
      const queries = loadSavedQueries(SQL_DIR);
      const card = toRows(await engine.run(queries.get('unit_scorecard')!.sql, { unit: 'xa-lien-chau-2025', period: '2026-Q3' }));
      const dossiers = card.find((r) => r.indicator_code === 'DOSSIERS_ONLINE')!;
      expect(dossiers).toMatchObject({ appraised_points: 120, self_points: 150, points: 120, gap: 30 });
      expect(dossiers.evidence).toContain('báo cáo số 45/BC-UBND');
      const doc = card.find((r) => r.indicator_code === 'DOC_ONLINE')!;
      expect(doc.appraised_points).toBeNull();
      expect(doc.points).toBe(doc.computed_points);
      expect(doc.gap).toBeCloseTo(100 - (doc.computed_points as number), 2);
      const ranking = toRows(await engine.run(queries.get('dti_ranking')!.sql, { period: '2026-Q3', group: '' }));
      const lc = ranking.find((r) => r.unit === 'xa-lien-chau-2025')!;
      const published = card.reduce((s, r) => s + (r.points_1000 as number), 0);
      expect(lc).toMatchObject({ self_total_points: 1000, appraised_components: 3 });
      expect(Math.abs((lc.total_points as number) - published)).toBeLessThan(0.1);
      expect(lc.gap).toBeCloseTo(1000 - (lc.total_points as number), 1);
      expect(ranking.filter((r) => r.unit !== 'xa-lien-chau-2025').every((r) => r.self_total_points === null && r.appraised_components === 0)).toBe(true);
    } finally {
      await engine.close();
    }
  });
});
