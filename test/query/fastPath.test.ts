import { RecordBatch, Table, tableFromIPC, type Vector } from 'apache-arrow';
import type { DuckDBConnection, DuckDBInstance, DuckDBMaterializedResult } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { arrowColumn, chunkColumns } from '../../functions/adapters/duckdb/chunkToArrow.ts';
import { buildEngineLake } from '../../functions/adapters/duckdb/duckDbLake.ts';
import { LakeIndex } from '../../functions/adapters/duckdb/lakeIndex.ts';
import { loadDuckDb, type DuckDbModule } from '../../functions/adapters/duckdb/loadDuckDb.ts';
import { loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';
import { compilePlaceholders } from '../../functions/domain/queries/savedQueries.ts';
import { resolveParams, type ParamValue } from '../../functions/domain/queries/resolveParams.ts';
import { rowsCsv, toArrow, toCsv } from '../../functions/http/render.ts';
import { machineCsv, toJsonBytes, toRows } from '../../functions/http/tableRows.ts';
import { catalogIndex } from '../helpers/lake.ts';

/** Parameters under which each saved query answers rows on the demo lake (others take their defaults). */
const PARAMS: Record<string, Record<string, string>> = {
  district_scorecard: { period: '2024-Q4' }, district_trend: { from: '2023-Q1', to: '2024-Q4' }, indicator_trend: { indicator: 'DOC_ONLINE', from: '2023-Q1', to: '2024-Q4' },
  missing_submissions: { period: '2024-Q4', as_of: '2025-01-20' }, reporting_timeliness: { period: '2026-Q3', as_of: '2026-11-01' },
  timeliness_trend: { from: '2023-Q1', to: '2026-Q3' }, approval_log: { from: '2023-01-01', to: '2026-12-31' }, quality_warnings: { period: '2026-Q3' }, province_scorecard: { period: '2024-Q4' }, submission_log: { from: '2023-01-01', to: '2025-12-31' },
  unit_ranking: { period: '2024-Q4' }, dti_ranking: { period: '2025-Q3', group: '' }, dti_scorecards: { period: '2026-Q3' }, dti_appraisal_queue: { period: '2026-Q3' }, unit_scorecard: { unit: 'xa-lien-chau-2025', period: '2026-Q3' },
  dti_trend: { unit: 'xa-lien-chau-2025', from: '2023-Q1', to: '2026-Q3', as_of: '2026-11-01' }, unit_registry: { as_of: '2026-11-01' }, unit_periods: { unit: 'xa-tam-hong-2025', as_of: '2026-12-04' },
  approval_queue: { unit: 'xa-lien-chau' }, submission_decisions: { submission: '' }, unit_values: { unit: 'xa-lien-chau', period: '2024-Q4' }, periods_with_data: {}, unit_submissions: { unit: 'xa-lien-chau', senders: '' }, unit_report: { unit: 'xa-lien-chau', period: '2024-Q4' }, unit_trend: { unit: 'xa-lien-chau', indicator: 'DOC_ONLINE', from: '2023-Q1', to: '2024-Q4', as_of: '2024-12-31' },
  pending_warnings: { period: '2026-Q3', unit: 'xa-te-lo-2025' }, pending_values: { period: '2024-Q4', unit: '' }, value_provenance: { unit: 'xa-lien-chau', period: '2024-Q4', indicator: 'DOC_ONLINE' }, admin_audit: { from: '2023-01-01', to: '2026-12-31' },
};

let duckdb: DuckDbModule;
let instance: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  duckdb = await loadDuckDb();
  instance = await duckdb.DuckDBInstance.create(':memory:');
  c = await instance.connect();
  // The engine's own database over the demo lake: derived tables and all.
  await buildEngineLake(c, inject('demoLake'), await LakeIndex.scan(inject('demoLake')));
});
afterAll(() => { c.closeSync(); instance.closeSync(); });

/**
 * One result converted both ways, chunk by chunk as the engine takes them: from the vectors'
 * bytes (the engine's path) and DuckDB's JS values one by one (the reference).
 */
function bothWays(result: DuckDBMaterializedResult): { fast: Table; slow: Table } {
  const names = result.columnNames();
  const types = result.columnTypes();
  const fast: RecordBatch[] = [];
  const slow: RecordBatch[] = [];
  for (let k = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    if (chunk.rowCount === 0) continue;
    fast.push(new Table(chunkColumns(duckdb, chunk, names, types)).batches[0]!);
    const values: Record<string, Vector> = Object.fromEntries(names.map((n, i) => [n, arrowColumn(types[i]!, chunk.convertColumnValues(i, duckdb.JSDuckDBValueConverter), duckdb.DuckDBTypeId)]));
    slow.push(new Table(values).batches[0]!);
  }
  const empty = () => new Table(Object.fromEntries(names.map((n, i) => [n, arrowColumn(types[i]!, [], duckdb.DuckDBTypeId)])));
  return { fast: fast.length ? new Table(fast) : empty(), slow: slow.length ? new Table(slow) : empty() };
}

describe('the engine\'s conversion from DuckDB\'s vectors, against converting value by value', () => {
  it('gives the same JSON, CSV and Arrow for every saved query on the demo lake', async () => {
    const queries = loadSavedQueries(SQL_DIR);
    let compared = 0;
    let rows = 0;
    for (const [name, query] of queries) {
      let params: Record<string, ParamValue>;
      try {
        params = PARAMS[name] ?? resolveParams(query, {}, catalogIndex, '2026-11-01');
      } catch {
        continue; // a query added since, with parameters that have no default
      }
      const compiled = compilePlaceholders(query.sql, (p) => `$${p}`);
      const result = await c.run(compiled.sql, Object.fromEntries(compiled.names.map((p) => [p, params[p]!])));
      const { fast, slow } = bothWays(result);
      expect(fast.schema.fields.map((f) => `${f.name}:${f.type}`), name).toEqual(slow.schema.fields.map((f) => `${f.name}:${f.type}`));
      const json = toJsonBytes(fast).toString('utf8');
      expect(json, name).toBe(toJsonBytes(slow).toString('utf8'));
      expect(json, name).toBe(JSON.stringify(toRows(slow)));
      expect(toCsv(fast, query), name).toBe(toCsv(slow, query));
      // The API's CSV, written from the Arrow buffers, against the rows' CSV of the reference.
      expect(machineCsv(fast).toString('utf8'), name).toBe(rowsCsv(slow));
      expect(toCsv(fast), name).toBe(rowsCsv(slow));
      // Arrow as a client reads it back: the same columns, types and values.
      const [fromFast, fromSlow] = [tableFromIPC(toArrow(fast)), tableFromIPC(toArrow(slow))];
      expect(fromFast.schema.fields.map((f) => `${f.name}:${f.type}`), name).toEqual(fromSlow.schema.fields.map((f) => `${f.name}:${f.type}`));
      expect(toRows(fromFast), name).toEqual(toRows(fromSlow));
      compared++;
      rows += fast.numRows;
    }
    expect(compared).toBeGreaterThanOrEqual(Object.keys(PARAMS).filter((n) => queries.has(n)).length);
    expect(rows).toBeGreaterThan(500);
  });

  it('and for the lake\'s tables whole: every column type they hold, several chunks, nulls, long and short text', async () => {
    for (const table of ['kpi_values', 'submissions', 'kpi_points', 'kpi_current']) {
      const { fast, slow } = bothWays(await c.run(`SELECT * FROM ${table} ORDER BY ALL LIMIT 5000`));
      expect(fast.numRows, table).toBeGreaterThan(0);
      expect(toJsonBytes(fast).toString('utf8'), table).toBe(JSON.stringify(toRows(slow)));
      expect(machineCsv(fast).toString('utf8'), table).toBe(rowsCsv(slow));
      expect(toRows(tableFromIPC(toArrow(fast))), table).toEqual(toRows(slow));
    }
    const { fast } = bothWays(await c.run(`SELECT * FROM kpi_values LIMIT 5000`));
    expect(fast.batches.length).toBeGreaterThan(1);
  });

  it('writes the API\'s CSV from the Arrow buffers as from rows: formulas, quotes, line breaks, nulls, numbers, times', async () => {
    const { fast, slow } = bothWays(await c.run(`
      SELECT CASE i % 9 WHEN 0 THEN '=SUM(A1)' WHEN 1 THEN '+84 912' WHEN 2 THEN '-5' WHEN 3 THEN '@x' WHEN 4 THEN 'Xã "Liên", Châu' || chr(10) || 'dòng 2'
                        WHEN 5 THEN NULL WHEN 6 THEN '' WHEN 7 THEN '=a,"b"' ELSE 'Tiếng Việt ✓ ' || chr(13) END AS text,
             i - 2500 AS n, (i - 2500) / 7.0 AS x, CASE WHEN i % 4 = 0 THEN NULL ELSE (i * 1.5)::DOUBLE END AS maybe, i % 2 = 0 AS even,
             i::BIGINT * 1000000 AS big, TIMESTAMP '2024-01-31 17:00:00' + to_microseconds(i * 1234567) AS at, DATE '2024-01-01' + i::INTEGER AS day
      FROM range(5000) t(i)`));
    expect(fast.batches.length).toBeGreaterThan(1);
    expect(machineCsv(fast).toString('utf8')).toBe(rowsCsv(slow));
    expect(machineCsv(fast.slice(0, 0)).toString('utf8')).toBe(rowsCsv(slow.slice(0, 0)));
    // A table of batches sliced and joined (several Arrow data per column): the generic path.
    const joined = fast.concat(fast.slice(11, 911));
    expect(machineCsv(joined).toString('utf8')).toBe(rowsCsv(joined));
  });
});
