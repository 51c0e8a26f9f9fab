import type { RecordBatch } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DuckDbEngine } from '../../functions/adapters/duckdb/DuckDbEngine.ts';
import { toRows } from '../../functions/http/render.ts';
import { demoCatalog, demoValues, targets, type SourceValue } from '../helpers/demoSource.ts';
import { loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';

const queries = loadSavedQueries(SQL_DIR);
let engine: DuckDbEngine;
let source: SourceValue[];
beforeAll(async () => {
  engine = await DuckDbEngine.open(inject('demoLake'));
  source = await demoValues();
});
afterAll(async () => { await engine.close(); });

const run = async (name: string, params: Record<string, string>) => toRows(await engine.run(queries.get(name)!.sql, params));
const close = (a: unknown, b: number | null) => (b === null ? expect(a).toBeNull() : expect(a as number).toBeCloseTo(b, 6));
/** Units of the registry on a day (the 2025 reform ends some and begins others). */
const unitsOn = (day: string) => demoCatalog.units.filter((u) => u.type !== 'province' && (!u.validFrom || u.validFrom <= day) && (!u.validTo || u.validTo >= day));
const sourceOf = (unit: string, period: string, indicator: string) => source.find((v) => v.unit === unit && v.period === period && v.indicator === indicator);

describe('saved queries on the demo lake (expected values computed from the demo files themselves)', () => {
  it('district_trend: each period\'s share of targets met counts the pairs its own scorecard lists', async () => {
    const trend = await run('district_trend', { from: '2024-Q1', to: '2026-Q3' });
    for (const period of ['2024-Q4', '2025-Q2', '2026-Q3']) {
      const scorecard = await run('district_scorecard', { period });
      const met = scorecard.filter((r) => r.met === true).length;
      expect(trend.find((r) => r.period === period)!.share_met, period).toBeCloseTo(Math.round(1000 * met / scorecard.length) / 10, 6);
    }
  });

  it('district_scorecard: every unit × applicable indicator, values, targets and attainment', async () => {
    const rows = await run('district_scorecard', { period: '2024-Q4' });
    const applicable = unitsOn('2024-12-31').reduce((n, u) => n + demoCatalog.indicators.filter((i) => i.reportedBy.includes(u.type)).length, 0);
    expect(rows).toHaveLength(applicable);
    for (const row of rows) {
      const expected = sourceOf(row.unit as string, '2024-Q4', row.indicator_code as string);
      close(row.value, expected ? expected.value : null);
      expect(row.target).toBe(targets.get(row.indicator_code as string));
      expect(row.met).toBe(expected ? expected.value >= targets.get(expected.indicator)! : null);
    }
    // The unit that did not report has a row per indicator, all empty.
    const yenPhuong = rows.filter((r) => r.unit === 'xa-yen-phuong');
    expect(yenPhuong).toHaveLength(15);
    // Units of other registry dates are not listed: Tam Hồng as a commune (until 2023), the new communes (2025).
    expect(rows.some((r) => r.unit === 'xa-tam-hong' || r.unit === 'xa-lien-chau-2025')).toBe(false);
    expect(yenPhuong.every((r) => r.value === null && r.met === null)).toBe(true);
    // The police report only their three indicators.
    expect(rows.filter((r) => r.unit === 'cong-an-huyen').map((r) => r.indicator_code)).toEqual(['DIGITAL_SIGNATURE', 'DOC_ONLINE', 'STAFF_DIGITAL_ID', 'OFFICIAL_EMAIL', 'POPULATION_DB_LINK', 'CHIP_ID_CARDS', 'VNEID_ACCOUNTS']);
  });

  it('unit_report: a correction replaces what it states and keeps the rest; previous_value is the quarter before', async () => {
    const rows = await run('unit_report', { unit: 'xa-lien-chau', period: '2024-Q4' });
    expect(rows).toHaveLength(15);
    const doc = rows.find((r) => r.indicator_code === 'DOC_ONLINE')!;
    const corrected = sourceOf('xa-lien-chau', '2024-Q4', 'DOC_ONLINE')!;
    const q3 = sourceOf('xa-lien-chau', '2024-Q3', 'DOC_ONLINE')!;
    close(doc.value, corrected.value);
    expect([doc.numerator, doc.denominator]).toEqual([corrected.numerator, corrected.denominator]);
    close(doc.previous_value, q3.value);
    expect(doc.met).toBe(false);
    expect(rows.find((r) => r.indicator_code === 'OFFICIAL_EMAIL')).toMatchObject({ value: 100, met: true });
    // Indicators the correction left blank keep the value of the report it corrects.
    const staff = rows.find((r) => r.indicator_code === 'STAFF_DIGITAL_ID')!;
    close(staff.value, sourceOf('xa-lien-chau', '2024-Q4', 'STAFF_DIGITAL_ID')!.value);
    close(staff.previous_value, sourceOf('xa-lien-chau', '2024-Q3', 'STAFF_DIGITAL_ID')!.value);
    expect(rows.filter((r) => r.value !== null)).toHaveLength(15);
  });

  it('the Liên Châu correction changed three values and left twelve; the history keeps all eighteen', async () => {
    const current = toRows(await engine.run(`SELECT source_file, count(*) AS n FROM kpi_current WHERE unit = 'xa-lien-chau' AND period = '2024-Q4' GROUP BY source_file ORDER BY source_file`, {}));
    expect(current).toEqual([{ source_file: 'tong-hop-xa-thi-tran-quy-IV-2024.xlsx', n: 12 }, { source_file: 'xa-lien-chau-quy-IV-2024-bo-sung.xlsx', n: 3 }]);
    const history = toRows(await engine.run(`SELECT count(*) AS n FROM kpi_values WHERE unit = 'xa-lien-chau' AND period = '2024-Q4'`, {}));
    expect(history).toEqual([{ n: 18 }]);
  });

  it('renders JSON from the Arrow columns exactly as JSON.stringify of the rows would, for every saved query', async () => {
    const { toJsonBytes } = await import('../../functions/http/tableRows.ts');
    const params: Record<string, Record<string, string>> = {
      district_scorecard: { period: '2024-Q4' }, district_trend: { from: '2023-Q1', to: '2024-Q4' }, indicator_trend: { indicator: 'DOC_ONLINE', from: '2023-Q1', to: '2024-Q4' },
      missing_submissions: { period: '2024-Q4', as_of: '2025-01-20' }, reporting_timeliness: { period: '2026-Q3', as_of: '2026-11-01' },
      timeliness_trend: { from: '2023-Q1', to: '2026-Q3' }, approval_log: { from: '2023-01-01', to: '2026-12-31' }, quality_warnings: { period: '2026-Q3' }, province_scorecard: { period: '2024-Q4' }, submission_log: { from: '2023-01-01', to: '2025-12-31' },
      unit_ranking: { period: '2024-Q4' }, dti_ranking: { period: '2025-Q3', group: '' }, dti_scorecards: { period: '2026-Q3' }, dti_appraisal_queue: { period: '2026-Q3' }, unit_scorecard: { unit: 'xa-lien-chau-2025', period: '2026-Q3' },
      dti_trend: { unit: 'xa-lien-chau-2025', from: '2023-Q1', to: '2026-Q3', as_of: '2026-11-01' }, unit_registry: { as_of: '2026-11-01' }, unit_periods: { unit: 'xa-tam-hong-2025', as_of: '2026-12-04' },
      approval_queue: { unit: 'xa-lien-chau' }, submission_decisions: { submission: '' }, unit_values: { unit: 'xa-lien-chau', period: '2024-Q4' }, periods_with_data: {}, unit_submissions: { unit: 'xa-lien-chau', senders: '' }, unit_report: { unit: 'xa-lien-chau', period: '2024-Q4' }, unit_trend: { unit: 'xa-lien-chau', indicator: 'DOC_ONLINE', from: '2023-Q1', to: '2024-Q4', as_of: '2024-12-31' },
      pending_warnings: { period: '2026-Q3', unit: 'xa-te-lo-2025' }, pending_values: { period: '2024-Q4', unit: '' }, value_provenance: { unit: 'xa-lien-chau', period: '2024-Q4', indicator: 'DOC_ONLINE' }, admin_audit: { from: '2023-01-01', to: '2026-12-31' },
    };
    for (const name of queries.keys()) {
      const table = await engine.run(queries.get(name)!.sql, params[name]!);
      expect(toJsonBytes(table).toString('utf8'), name).toBe(JSON.stringify(toRows(table)));
    }
    // Text that must be escaped, nulls, non-ASCII, an empty string and a result of several batches.
    const one = await engine.run(`SELECT CASE i % 5 WHEN 0 THEN 'Xã "Liên" Châu\\ ' || chr(10) || chr(9) || chr(1) WHEN 1 THEN NULL WHEN 2 THEN '' WHEN 3 THEN 'Tiếng Việt ✓ 𝔘' ELSE 'plain' END AS t, i, i * 0.5 AS x, i % 2 = 0 AS even FROM range(5000) r(i)`, {});
    const tricky = one.concat(one.slice(7, 911));
    expect(tricky.batches.length).toBeGreaterThan(1);
    expect(toJsonBytes(tricky).toString('utf8')).toBe(JSON.stringify(toRows(tricky)));
    // Written batch by batch as the engine hands them on: the same bytes.
    const { batchJson } = await import('../../functions/http/tableRows.ts');
    const seen: RecordBatch[] = [];
    const read = await engine.run(`SELECT * FROM range(7000) r(i)`, {}, (b) => { seen.push(b); });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen).toEqual(read.batches);
    for (const table of [tricky, read, one.slice(0, 0), await engine.run(queries.get('submission_log')!.sql, params.submission_log!)]) {
      const parts = table.batches.map((b, i) => batchJson(b, table.batches.slice(0, i).every((p) => p.numRows === 0)));
      expect(`[${Buffer.concat(parts).toString('utf8')}]`).toBe(JSON.stringify(toRows(table)));
    }
  });

  it('indicator_trend: the ratio of summed counts per quarter, never a mean of shares', async () => {
    const rows = await run('indicator_trend', { indicator: 'DOC_ONLINE', from: '2023-Q1', to: '2024-Q4' });
    expect(rows.map((r) => r.period)).toEqual(['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4', '2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']);
    for (const row of rows) {
      const values = source.filter((v) => v.period === row.period && v.indicator === 'DOC_ONLINE');
      const ratio = (100 * values.reduce((s, v) => s + v.numerator!, 0)) / values.reduce((s, v) => s + v.denominator!, 0);
      expect(row.value as number).toBeCloseTo(ratio, 2);
      expect(row.units_reported).toBe(values.length);
      const mean = values.reduce((s, v) => s + v.value, 0) / values.length;
      expect(Math.abs((row.value as number) - mean)).toBeGreaterThan(0.001);
    }
    expect(rows.at(-1)!.units_reported).toBe(25); // Yên Phương did not report 2024-Q4
    const booleans = await run('indicator_trend', { indicator: 'DIGITAL_SIGNATURE', from: '2024-Q3', to: '2024-Q4' });
    const q3 = source.filter((v) => v.period === '2024-Q3' && v.indicator === 'DIGITAL_SIGNATURE');
    expect(booleans[0]!.value as number).toBeCloseTo((100 * q3.filter((v) => v.value === 1).length) / q3.length, 6);
  });

  it('unit_ranking: share of applicable indicators met, ranked with ties', async () => {
    const rows = await run('unit_ranking', { period: '2024-Q4' });
    expect(rows).toHaveLength(unitsOn('2024-12-31').length);
    for (const row of rows) {
      const unit = demoCatalog.units.find((u) => u.code === row.unit)!;
      const applicable = demoCatalog.indicators.filter((i) => i.reportedBy.includes(unit.type));
      const met = applicable.filter((i) => { const v = sourceOf(unit.code, '2024-Q4', i.code); return v && v.value >= i.defaultTarget; }).length;
      expect([row.indicators_met, row.indicators_applicable]).toEqual([met, applicable.length]);
      expect(row.score as number).toBeCloseTo(Math.round((1000 * met) / applicable.length) / 10, 6);
    }
    const scores = rows.map((r) => r.score as number);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(rows[0]!.rank).toBe(1);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.rank).toBe(scores[i] === scores[i - 1] ? rows[i - 1]!.rank : i + 1);
    }
    expect(rows.at(-1)).toMatchObject({ unit: 'xa-yen-phuong', score: 0, indicators_reported: 0 });
  });

  it('missing_submissions: who has not reported, with the last quarter they did', async () => {
    expect(await run('missing_submissions', { period: '2024-Q4', as_of: '2025-01-20' })).toEqual([
      { unit: 'xa-yen-phuong', unit_name: 'Xã Yên Phương', unit_type: 'commune', last_period_reported: '2024-Q3', last_submitted_at: '2024-10-08T02:00:00.000Z', deadline: '2025-01-10', days_overdue: 10 },
    ]);
    expect((await run('missing_submissions', { period: '2024-Q4', as_of: '2025-01-05' }))[0]!.days_overdue).toBe(0); // not yet due
    expect(await run('missing_submissions', { period: '2024-Q3', as_of: '2025-01-20' })).toEqual([]);
    // 2027-Q1: nobody has reported; the units are those of that day's registry, parents left out.
    expect((await run('missing_submissions', { period: '2027-Q1', as_of: '2027-04-01' })).map((r) => r.unit)).toEqual(unitsOn('2027-03-31').map((u) => u.code));
    expect(unitsOn('2027-03-31').map((u) => u.code)).toEqual(['xa-yen-lac', 'xa-te-lo-2025', 'xa-lien-chau-2025', 'xa-tam-hong-2025', 'xa-nguyet-duc-2025']);
  });

  it('unit_registry: today\'s units, and a unit retired without a successor kept and said so', async () => {
    const today = await run('unit_registry', { as_of: '2026-11-01' });
    expect(today.slice(0, 5).map((r) => r.unit)).toEqual(['xa-yen-lac', 'xa-te-lo-2025', 'xa-lien-chau-2025', 'xa-tam-hong-2025', 'xa-nguyet-duc-2025']);
    // Then those that ceased with no successor recorded: the district's offices (2025-07-01), its police (2025-03-01), Hồng Phương.
    expect(today.slice(5).map((r) => r.unit)).toEqual([...demoCatalog.units.filter((u) => u.type === 'department' || u.type === 'police').map((u) => u.code), 'xa-hong-phuong']);
    expect(today.slice(5).every((r) => String(r.status).startsWith('Thôi hoạt động từ'))).toBe(true);
    expect(today.at(-1)).toMatchObject({ unit_name: 'Xã Hồng Phương', valid_to: '2024-12-31', verified: 'no', status: 'Thôi hoạt động từ 2025-01-01: không ghi nhận đơn vị kế thừa (chưa xác minh văn bản)' });
    expect(today.find((r) => r.unit === 'cong-an-huyen')).toMatchObject({ valid_to: '2025-02-28', verified: 'no', status: 'Thôi hoạt động từ 2025-03-01: không ghi nhận đơn vị kế thừa (chưa xác minh văn bản)' });
    expect(today.find((r) => r.unit === 'phong-noi-vu')).toMatchObject({ valid_to: '2025-06-30', verified: 'yes', status: 'Thôi hoạt động từ 2025-07-01: không ghi nhận đơn vị kế thừa' });
    // The mergers and the move to Phú Thọ were read in Nghị quyết 1676/NQ-UBTVQH15 itself.
    expect(today[0]).toMatchObject({ parent: 'Tỉnh Phú Thọ', verified: 'yes' });
    const before = await run('unit_registry', { as_of: '2024-06-30' });
    expect(before).toHaveLength(26);
    expect(before.find((r) => r.unit === 'tt-tam-hong')).toMatchObject({ unit_type: 'commune', valid_from: '2023-04-10' });
  });

  it('submission_log: every file in the date range, accepted and rejected, newest first', async () => {
    const all = await run('submission_log', { from: '2023-01-01', to: '2025-12-31' });
    expect(all).toHaveLength(24);
    expect(all.filter((r) => r.status === 'rejected').map((r) => [r.source_file, JSON.parse(r.errors as string)[0].code])).toEqual([
      ['xa-te-lo-quy-IV-2024.csv', 'NUMERATOR_ABOVE_DENOMINATOR'],
      ['xa-dai-tu-quy-IV-2024-loi.xlsx', 'PERCENT_OUT_OF_RANGE'],
    ]);
    const q1 = await run('submission_log', { from: '2023-04-01', to: '2023-04-08' });
    expect(q1.map((r) => r.source_file)).toEqual(['tong-hop-xa-thi-tran-quy-I-2023.xlsx']);
  });

  it('value_provenance: every value stated, newest first, the correction before the file it corrects', async () => {
    const rows = await run('value_provenance', { unit: 'xa-lien-chau', period: '2024-Q4', indicator: 'DOC_ONLINE' });
    expect(rows.map((r) => r.source_file)).toEqual(['xa-lien-chau-quy-IV-2024-bo-sung.xlsx', 'tong-hop-xa-thi-tran-quy-IV-2024.xlsx']);
    close(rows[0]!.value, sourceOf('xa-lien-chau', '2024-Q4', 'DOC_ONLINE')!.value);
    expect(rows[0]!.submitted_at as string > (rows[1]!.submitted_at as string)).toBe(true);
  });

  it('the queries kept to some roles run the same with the views inlined as CTEs, as Athena is sent them', async () => {
    const { inlineViews } = await import('../../functions/domain/queries/inlineViews.ts');
    const { lakeViews } = await import('../../functions/adapters/files/sqlFiles.ts');
    const params: Record<string, Record<string, string>> = {
      pending_warnings: { period: '2026-Q3', unit: 'xa-te-lo-2025' }, pending_values: { period: '2024-Q4', unit: '' }, value_provenance: { unit: 'xa-lien-chau', period: '2024-Q4', indicator: 'DOC_ONLINE' }, admin_audit: { from: '2023-01-01', to: '2026-12-31' },
    };
    const restricted = [...queries.values()].filter((q) => q.audience);
    expect(restricted.map((q) => q.name).sort()).toEqual(Object.keys(params).sort());
    for (const q of restricted) {
      const inlined = inlineViews(q.sql, lakeViews());
      if (q.name === 'pending_values') expect(inlined).toMatch(/^WITH settings AS/);
      expect(toRows(await engine.run(inlined, params[q.name]!)), q.name).toEqual(toRows(await engine.run(q.sql, params[q.name]!)));
    }
  });
});
