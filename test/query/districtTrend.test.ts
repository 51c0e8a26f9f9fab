import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DuckDbEngine } from '../../functions/adapters/duckdb/DuckDbEngine.ts';
import { openEnginePair } from '../helpers/demoEngines.ts';
import { lakeViews, loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';
import { inlineViews } from '../../functions/domain/queries/inlineViews.ts';
import { toRows } from '../../functions/http/render.ts';

/**
 * district_trend as it was written before targets_met: every (unit, indicator) pair of each
 * period joined to kpi_scored. The saved query now sums targets_met; its answers must not change.
 */
const PAIRS_FORMULATION = `
WITH span AS (
  SELECT p.period, p.label_vi, p.start_date, p.end_date
  FROM periods p
  JOIN periods f ON f.period = :from
  JOIN periods t ON t.period = :to
  WHERE p.kind = f.kind AND p.start_date >= f.start_date AND p.start_date <= t.start_date
),
pairs AS (
  SELECT s.period, u.code AS unit, i.code AS indicator_code
  FROM span s
  JOIN units u ON s.end_date BETWEEN u.valid_from AND u.valid_to
  CROSS JOIN indicators i
  WHERE strpos(i.reported_by, u.type) > 0
)
SELECT
  s.period,
  s.label_vi AS period_label,
  round(100.0 * sum(CASE WHEN k.met THEN 1 ELSE 0 END) / count(*), 1) AS share_met,
  count(DISTINCT k.unit) AS units_reported
FROM span s
JOIN pairs p ON p.period = s.period
LEFT JOIN kpi_scored k
  ON k.period = s.period AND k.unit = p.unit AND k.indicator_code = p.indicator_code
GROUP BY s.period, s.label_vi, s.start_date
ORDER BY s.start_date`;

const SPANS = [
  { from: '2023-Q1', to: '2024-Q4' },
  { from: '2024-Q1', to: '2026-Q3' }, // across the 2025 reform: units end and begin
  { from: '2022-Q1', to: '2026-Q4' },
  { from: '2024-Q4', to: '2024-Q4' },
];

const query = loadSavedQueries(SQL_DIR).get('district_trend')!;
let engines: Awaited<ReturnType<typeof openEnginePair>>;
let engine: DuckDbEngine;
let plainViews: DuckDbEngine;
beforeAll(async () => { engines = await openEnginePair(inject('demoLake')); ({ engine, plainViews } = engines); });
afterAll(async () => { await engines.close(); });

describe('district_trend over targets_met', () => {
  it.each(SPANS)('gives what counting every (unit, indicator) pair gave, $from – $to, with the engine\'s tables, plain views and views inlined as Athena runs them', async (span) => {
    const expected = toRows(await plainViews.run(PAIRS_FORMULATION, span));
    expect(expected.length).toBeGreaterThan(0);
    const kept = await engine.run(query.sql, span);
    expect(toRows(kept)).toEqual(expected);
    expect(kept.schema.fields.map((f) => String(f.type))).toEqual((await plainViews.run(PAIRS_FORMULATION, span)).schema.fields.map((f) => String(f.type)));
    expect(toRows(await plainViews.run(query.sql, span))).toEqual(expected);
    expect(toRows(await plainViews.run(inlineViews(query.sql, lakeViews()), span))).toEqual(expected);
  });

  it('reads targets_met, not kpi_scored: the pairs are counted from the registry alone', () => {
    expect(query.sql).toMatch(/\btargets_met\b/);
    expect(query.sql).not.toMatch(/\bkpi_scored\b/);
  });
});
