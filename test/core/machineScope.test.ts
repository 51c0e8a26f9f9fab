import { describe, expect, it } from 'vitest';
import { checkScope, notShareable, rowsInScope, scopeRefusal, tablesRead } from '../../functions/domain/access/machineScope.ts';
import { parseSavedQuery } from '../../functions/domain/queries/savedQueries.ts';
import { columnUnit, dictionaryOf } from '../../functions/services/dataDictionary.ts';

const query = (name: string, sql: string, params = '[]', columns = '[{ name: unit }, { name: value }]') =>
  parseSavedQuery(`/*\ntitle: { vi: T, en: T }\nparams: ${params}\ncolumns: ${columns}\n*/\n${sql}`, `sql/${name}.sql`);

describe('which saved queries a machine may be given', () => {
  it('reads the tables a query reads, not those named in comments, strings, parameters or its own WITH names', () => {
    const q = query('a', `WITH -- not FROM submissions
submissions_seen AS (SELECT unit FROM kpi_current WHERE note <> 'from kpi_pending')
SELECT s.unit, k.value FROM submissions_seen s JOIN kpi_current k ON k.unit = s.unit AND k.period = :from`,
    '[{ name: from, type: period }]');
    expect(tablesRead(q.sql)).toEqual(['kpi_current']);
    expect(notShareable(q)).toBeNull();
  });

  it('refuses a query over pending values, submissions or a file read by a table function, naming what it reads', () => {
    expect(notShareable(query('b', 'SELECT unit, value FROM kpi_pending'))!.en).toContain('reads kpi_pending');
    expect(notShareable(query('c', 'SELECT s.unit, 1 AS value FROM kpi_current s JOIN submissions x ON true'))!.en).toContain('reads submissions');
    expect(notShareable(query('d', "SELECT * FROM read_parquet('/etc/x')"))!.en).toContain('read_parquet()');
    expect(notShareable(query('e', 'SELECT i AS unit, i AS value FROM range(3) t(i)'))).toBeNull();
  });

  it('judges a scope of some units: a unit asked outside it, an optional unit left empty, a query summing over every unit', () => {
    const perUnit = query('f', 'SELECT unit, value FROM kpi_current WHERE (:unit = \'\' OR unit = :unit)', '[{ name: unit, type: unit, default: "" }]');
    const scope = { queries: ['f', 'g'], units: ['xa-a'] };
    expect(scopeRefusal(scope, perUnit, { unit: 'xa-a' })).toBeNull();
    expect(scopeRefusal(scope, perUnit, { unit: 'xa-b' })!.code).toBe('OUT_OF_SCOPE');
    expect(scopeRefusal(scope, perUnit, { unit: '' })!.code).toBe('OUT_OF_SCOPE');
    const summing = query('g', 'SELECT avg(value) AS value FROM kpi_current', '[]', '[{ name: value }]');
    expect(scopeRefusal(scope, summing, {})!.en).toContain('sums over every unit');
    expect(scopeRefusal({ ...scope, units: 'all' }, summing, {})).toBeNull();
    expect(scopeRefusal({ ...scope, queries: [] }, summing, {})!.en).toContain('outside');
    expect(rowsInScope(scope, perUnit, [{ unit: 'xa-a' }, { unit: 'xa-b' }, { unit: null }])).toEqual([{ unit: 'xa-a' }]);
  });

  it('checks a scope asked for, every problem at once', () => {
    const queries = new Map([['f', query('f', 'SELECT unit, value FROM kpi_current')], ['b', query('b', 'SELECT unit, value FROM kpi_pending')]]);
    const units = new Set(['xa-a']);
    expect(checkScope({ queries: 'f, f', units: 'xa-a' }, queries, units)).toEqual({ scope: { queries: ['f'], units: ['xa-a'] } });
    expect(checkScope({ queries: 'f', units: 'all' }, queries, units)).toEqual({ scope: { queries: ['f'], units: 'all' } });
    const bad = checkScope({ queries: 'b,zz', units: '' }, queries, units);
    expect('problems' in bad && bad.problems.map((p) => p.en)).toEqual([
      expect.stringContaining('reads kpi_pending'), 'no saved query "zz"', 'a list of units is needed (--units x,y), or --units all',
    ]);
  });
});

describe('the data dictionary', () => {
  it('gives each column its unit where its name says one', () => {
    expect(columnUnit('total_points', '')?.[0]).toBe('points');
    expect(columnUnit('points_1000', '')?.[0]).toBe('points');
    expect(columnUnit('value', '')?.[0]).toBe('indicator');
    expect(columnUnit('share_met', 'Share of targets met (%)')?.[0]).toBe('percent');
    expect(columnUnit('days_late', '')?.[0]).toBe('days');
    expect(columnUnit('units_reported', '')?.[0]).toBe('count');
    expect(columnUnit('unit_name', 'Unit')).toBeNull();
    expect(dictionaryOf('d', [{ name: 'rank', vi: 'Hạng', en: 'Rank' }], null)).toEqual([
      { dataset: 'd', column: 'rank', type: 'string', unit: 'rank', unit_vi: 'thứ hạng (1 là cao nhất)', unit_en: 'rank (1 is the highest)', meaning_vi: 'Hạng', meaning_en: 'Rank' },
    ]);
  });
});
