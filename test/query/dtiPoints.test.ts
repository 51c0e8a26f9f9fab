import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DuckDbEngine } from '../../functions/adapters/duckdb/DuckDbEngine.ts';
import { openEnginePair } from '../helpers/demoEngines.ts';
import { lakeViews, loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';
import { notShareable, tablesRead } from '../../functions/domain/access/machineScope.ts';
import { inlineViews } from '../../functions/domain/queries/inlineViews.ts';
import { toRows } from '../../functions/http/render.ts';

/**
 * dti_points (sql/views): each unit's DTI points component by component, the one place the
 * published rule is written (the province's appraisal where there is one, else the points of the
 * values). dti_ranking and dti_scorecards read it; both must give the same rows with the engine's
 * tables, with plain views, and with the views inlined as CTEs as Athena is sent them.
 */
const queries = loadSavedQueries(SQL_DIR);
let engines: Awaited<ReturnType<typeof openEnginePair>>;
let engine: DuckDbEngine;
let plainViews: DuckDbEngine;
beforeAll(async () => { engines = await openEnginePair(inject('demoLake')); ({ engine, plainViews } = engines); });
afterAll(async () => { await engines.close(); });

const rowsOf = async (e: DuckDbEngine, sql: string, params: Record<string, string> = {}) => toRows(await e.run(sql, params));

describe('dti_points', () => {
  it('has a row per unit of the registry on the period\'s last day and per component its framework scores, reported or not', async () => {
    const rows = await rowsOf(engine, `SELECT * FROM dti_points WHERE period = '2026-Q3'`);
    const [{ n }] = await rowsOf(engine, `SELECT count(*) AS n FROM periods p
      JOIN units u ON p.end_date BETWEEN u.valid_from AND u.valid_to
      JOIN frameworks f ON f.unit_type = u.type AND p.end_date BETWEEN f.valid_from AND f.valid_to
      WHERE p.period = '2026-Q3'`) as [{ n: number }];
    expect(rows.length).toBe(n);
    expect(new Set(rows.map((r) => `${r.unit}|${r.indicator_code}`)).size).toBe(rows.length);
    // The units merged away in 2025 are not in the registry of 30/09/2026.
    expect(rows.some((r) => r.unit === 'xa-lien-chau')).toBe(false);
    expect(rows.some((r) => r.unit === 'xa-lien-chau-2025')).toBe(true);
  });

  it('publishes the appraisal where given, else the points of the values, with the self-assessment beside', async () => {
    const rows = await rowsOf(engine, `SELECT * FROM dti_points WHERE period = '2026-Q3'`);
    for (const r of rows) expect(r.points).toBe(r.appraised_points ?? r.computed_points);
    const dossiers = rows.find((r) => r.unit === 'xa-lien-chau-2025' && r.indicator_code === 'DOSSIERS_ONLINE')!;
    expect(dossiers).toMatchObject({ appraised_points: 120, self_points: 150, points: 120 });
    expect(dossiers.appraisal_note).not.toBeNull();
    const notAppraised = rows.filter((r) => r.appraised_points === null && r.computed_points !== null);
    expect(notAppraised.length).toBeGreaterThan(0);
  });

  it('is what dti_ranking totals and dti_scorecards lists: a unit\'s total is its published points over its maximum, on 1,000', async () => {
    const ranking = await rowsOf(engine, queries.get('dti_ranking')!.sql, { period: '2026-Q3', group: '' });
    // A unit with no point at all has no total (never a guessed 0) and no rank.
    const totals = await rowsOf(engine, `SELECT unit, CASE WHEN count(points) > 0 THEN round(1000.0 * sum(coalesce(points, 0)) / sum(max_points), 2) END AS total, count(*) AS components
      FROM dti_points WHERE period = '2026-Q3' GROUP BY unit`);
    expect(ranking.length).toBe(totals.length);
    for (const t of totals) expect(ranking.find((r) => r.unit === t.unit)).toMatchObject({ total_points_2dp: t.total, components: t.components });
    for (const r of ranking.filter((x) => x.total_points_2dp === null)) expect(r).toMatchObject({ rank: null, not_ranked_reason: 'Chưa có số liệu trong kỳ' });
    expect(ranking.some((r) => r.total_points_2dp === null)).toBe(true);
    const cards = await rowsOf(engine, queries.get('dti_scorecards')!.sql, { period: '2026-Q3' });
    expect(cards.length).toBe(totals.reduce((s, t) => s + (t.components as number), 0));
  });
});

describe('dti_ranking and dti_scorecards over dti_points', () => {
  const cases: [string, Record<string, string>][] = [
    ['dti_ranking', { period: '2026-Q3', group: '' }], ['dti_ranking', { period: '2025-Q3', group: '' }], ['dti_ranking', { period: '2024-Q4', group: '' }],
    ['dti_scorecards', { period: '2026-Q3' }], ['dti_scorecards', { period: '2024-Q4' }],
  ];
  it.each(cases)('%s %o: the same rows with the engine\'s tables, plain views and views inlined as Athena runs them', async (name, params) => {
    const sql = queries.get(name)!.sql;
    const kept = await engine.run(sql, params);
    const expected = toRows(kept);
    expect(expected.length).toBeGreaterThan(0);
    expect(await rowsOf(plainViews, sql, params)).toEqual(expected);
    const inlined = inlineViews(sql, lakeViews());
    expect(inlined).toMatch(/\bdti_points AS \(/);
    const athena = await plainViews.run(inlined, params);
    expect(toRows(athena)).toEqual(expected);
    expect(athena.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(kept.schema.fields.map((f) => `${f.name}:${String(f.type)}`));
  });

  it('read the published rule from dti_points alone, and stay shareable with a machine account', () => {
    for (const name of ['dti_ranking', 'dti_scorecards']) {
      const query = queries.get(name)!;
      expect(tablesRead(query.sql)).toContain('dti_points');
      expect(tablesRead(query.sql)).not.toContain('kpi_assessed');
      expect(notShareable(query)).toBeNull();
    }
  });
});
