import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../functions/adapters/duckdb/DuckDbEngine.ts';
import { loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';
import { toRows } from '../../functions/http/render.ts';
import { writeDimensions } from '../../functions/services/dimensions.ts';
import { tempLake, type TempLake } from '../helpers/lake.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * A quarter played through a moved clock, on the example registry (2024-Q3: 26 units due, the
 * calendar's deadline ten days after the quarter, 2024-10-10, at midnight in UTC+7).
 */
const queries = loadSavedQueries(SQL_DIR);
let lake: TempLake;
let engine: DuckDbEngine;
const report = (unit: string, period: string, rows: [string, number, number][]) =>
  csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: ${period}\nSTT,Chỉ tiêu,Tử số,Mẫu số\n${rows.map(([c, n, d], i) => `${i + 1},${c},${n},${d}`).join('\n')}\n`);
const at = async (iso: string, unit: string, rows: [string, number, number][], period = 'Quý III/2024') => {
  lake.setNow(new Date(iso));
  const r = await lake.ingest(report(unit, period, rows), `${unit}-${iso}.csv`);
  expect(r.errors, `${unit} ${iso}`).toEqual([]);
};
const run = async (name: string, params: Record<string, string>) => toRows(await engine.run(queries.get(name)!.sql, params));

beforeAll(async () => {
  lake = await tempLake();
  await writeDimensions(lake.fs, lake.deps.catalog.catalog);
  // The quarter before: what this quarter's numbers are compared with.
  await at('2024-07-05T02:00:00Z', 'Xã Liên Châu', [['DOC_ONLINE', 90, 100]], 'Quý II/2024');
  await at('2024-07-05T02:00:00Z', 'Xã Đại Tự', [['DOSSIERS_ONLINE', 50, 100]], 'Quý II/2024');
  await at('2024-10-05T02:00:00Z', 'Xã Liên Châu', [['DOC_ONLINE', 40, 100]]); // on time; a jump of −50 points
  await at('2024-10-12T03:00:00Z', 'Xã Đại Tự', [['DOSSIERS_ONLINE', 20, 40]]); // 10:00 on the 12th: 2 days late; a denominator of 40 after 100
  await at('2024-10-06T02:00:00Z', 'Xã Tề Lỗ', [['DOC_ONLINE', 80, 100]]);
  await at('2024-10-20T02:00:00Z', 'Xã Tề Lỗ', [['DOC_ONLINE', 82, 100]]); // a correction after the deadline: still on time
  await at('2024-10-10T16:30:00Z', 'Xã Hồng Châu', [['DOC_ONLINE', 85, 100]]); // 23:30 on the deadline day: on time
  await at('2024-10-10T17:30:00Z', 'Xã Trung Hà', [['DOC_ONLINE', 84, 100]]); // 00:30 the day after: 1 day late
  // Peers for the robust z-score (eight or more units), one far from the rest; a unit of extremes.
  for (const [unit, n] of [['Xã Đồng Văn', 83], ['Xã Trung Kiên', 81], ['Xã Trung Nguyên', 86], ['Xã Văn Tiến', 82], ['Xã Yên Đồng', 5]] as const) {
    await at('2024-10-07T02:00:00Z', unit, [['DOC_ONLINE', n, 100]]);
  }
  await at('2024-10-07T02:00:00Z', 'Xã Yên Phương', [['DOC_ONLINE', 100, 100], ['STAFF_DIGITAL_ID', 20, 20], ['OFFICIAL_EMAIL', 20, 20], ['ONLINE_MEETINGS', 0, 9], ['CHIP_ID_CARDS', 900, 900], ['VNEID_ACCOUNTS', 700, 800]]);
  engine = await DuckDbEngine.open(lake.dir);
}, 60_000);
afterAll(async () => {
  await engine.close();
  await lake.cleanup();
});

describe('timeliness: by the first acceptable file against the calendar\'s deadline', () => {
  it('on time, late by N days, missing and overdue, as hand-computed', async () => {
    const rows = await run('reporting_timeliness', { period: '2024-Q3', as_of: '2024-10-31' });
    expect(rows).toHaveLength(26);
    const byUnit = Object.fromEntries(rows.map((r) => [r.unit, [r.status_code, r.days_late]]));
    expect(byUnit).toMatchObject({
      'xa-lien-chau': ['on_time', 0], 'xa-dai-tu': ['late', 2], 'xa-te-lo': ['on_time', 0], 'xa-hong-chau': ['on_time', 0],
      'xa-trung-ha': ['late', 1], 'xa-nguyet-duc': ['missing', 21], 'phong-noi-vu': ['missing', 21], 'cong-an-huyen': ['missing', 21],
    });
    expect(rows.filter((r) => r.status_code === 'missing')).toHaveLength(15); // 26 due, 11 reported
    expect(rows[0]!.deadline).toBe('2024-10-10');
    // Before the deadline nobody is missing yet.
    const early = await run('reporting_timeliness', { period: '2024-Q3', as_of: '2024-10-08' });
    expect(early.filter((r) => r.status_code === 'not_due')).toHaveLength(15);
    const trend = await run('timeliness_trend', { from: '2024-Q2', to: '2024-Q3' });
    expect(trend.at(-1)).toMatchObject({ period: '2024-Q3', units_due: 26, on_time: 9, late: 2, missing: 15, on_time_share: 34.6 }); // 9 / 26
    expect(trend[0]).toMatchObject({ period: '2024-Q2', on_time: 2, missing: 24 });
    const missing = await run('missing_submissions', { period: '2024-Q3', as_of: '2024-10-31' });
    expect(missing.find((r) => r.unit === 'xa-nguyet-duc')).toMatchObject({ deadline: '2024-10-10', days_overdue: 21 });
  });
});

describe('quality warnings: accepted figures worth a second look', () => {
  it('a jump from the previous period, a denominator that fell, a value far from its peers, shares all at 0 or 100', async () => {
    const rows = await run('quality_warnings', { period: '2024-Q3' });
    expect(rows.map((r) => [r.unit, r.indicator_code, r.kind])).toEqual([
      ['xa-dai-tu', 'DOSSIERS_ONLINE', 'denominator'],
      ['xa-lien-chau', 'DOC_ONLINE', 'jump'],
      ['xa-lien-chau', 'DOC_ONLINE', 'outlier'],
      ['xa-yen-dong', 'DOC_ONLINE', 'outlier'],
      ['xa-yen-phuong', 'DOC_ONLINE', 'outlier'],
      ['xa-yen-phuong', null, 'extremes'],
    ]);
    // Ten shares of DOC_ONLINE: median 82.5, median absolute deviation 2; 100 is |0.6745 × 17.5 / 2| = 5.9 > 3.5 away.
    expect(rows.filter((r) => r.kind === 'outlier').map((r) => r.reference)).toEqual([82.5, 82.5, 82.5]);
    expect(rows.find((r) => r.kind === 'jump')).toMatchObject({ value: 40, reference: 90, message: 'Thay đổi -50,0 điểm so với kỳ trước' });
    expect(rows.find((r) => r.kind === 'denominator')).toMatchObject({ value: 40, reference: 100 });
    expect(rows.find((r) => r.kind === 'extremes')).toMatchObject({ value: 5, reference: 6 });
  });
});
