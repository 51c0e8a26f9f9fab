import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBMISSIONS_COLUMNS } from '../../schemas/records.ts';
import { DuckDbEngine } from '../../functions/adapters/duckdb/DuckDbEngine.ts';
import { loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';
import { toColumns, writeParquetTable } from '../../functions/adapters/parquet/writeParquet.ts';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { lakeKeys } from '../../functions/domain/lakeKeys.ts';
import type { Catalog, KpiRecord } from '../../functions/domain/types.ts';
import { toRows } from '../../functions/http/render.ts';
import { writeDimensions } from '../../functions/services/dimensions.ts';
import { kpiValuesFile } from '../../functions/adapters/parquet/kpiValuesFile.ts';

export type Value = Pick<KpiRecord, 'unit' | 'period' | 'indicator_code' | 'value'> & Partial<Pick<KpiRecord, 'numerator' | 'denominator' | 'note'>>;
const queries = loadSavedQueries(SQL_DIR);

/**
 * A lake of a given catalog and values, written as ingest writes it (one submission per unit and
 * period), read by the real DuckDB engine with the shipped views and saved queries: scoring is
 * tested in the SQL both engines run, not in a copy of it.
 */
export async function scoringLake(catalog: Catalog, values: readonly Value[]) {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-scoring-'));
  const store = new FsObjectStore(dir);
  await writeDimensions(store, catalog);
  const groups = new Map<string, Value[]>();
  for (const v of values) (groups.get(`${v.unit}|${v.period}`) ?? groups.set(`${v.unit}|${v.period}`, []).get(`${v.unit}|${v.period}`)!).push(v);
  let n = 0;
  for (const [key, group] of groups) {
    const [unit, period] = key.split('|') as [string, string];
    const submittedAt = new Date(Date.UTC(2026, 0, 1, 0, 0, n));
    const id = `${submittedAt.toISOString().replace(/[-:.]/g, '').slice(0, 15)}${String(n).padStart(3, '0')}Z-${(n++).toString(16).padStart(8, '0')}`;
    const records: KpiRecord[] = group.map((v, row) => ({
      unit, period, indicator_code: v.indicator_code, value: v.value, numerator: v.numerator ?? null, denominator: v.denominator ?? null,
      note: v.note ?? null, source_sheet: 'Dữ liệu', source_row: row + 2,
    }));
    await store.put(lakeKeys.kpiValues(unit, period, id), kpiValuesFile(records, { submissionId: id, fileName: `${unit}-${period}.csv`, submittedAt, ingestedAt: submittedAt }));
    await store.put(lakeKeys.submission(id), writeParquetTable(SUBMISSIONS_COLUMNS, toColumns(SUBMISSIONS_COLUMNS, [{
      submission_id: id, source_key: `originals/${id}/x.csv`, source_version: null, source_file: `${unit}-${period}.csv`, sha256: id,
      size_bytes: 1, format: 'csv', layout: 'long', status: 'accepted', units: JSON.stringify([unit]), periods: JSON.stringify([period]),
      row_count: records.length, error_count: 0, errors: '[]', submitted_by: null, submitted_at: submittedAt, ingested_at: submittedAt,
    }])));
  }
  const engine = await DuckDbEngine.open(dir, 1);
  return {
    // Optional parameters take their declared default, as the HTTP and CLI paths give them.
    run: async (name: string, params: Record<string, string>) => {
      const query = queries.get(name)!;
      const defaults = Object.fromEntries(query.params.filter((p) => p.default !== null).map((p) => [p.name, p.default!]));
      return toRows(await engine.run(query.sql, { ...defaults, ...params }));
    },
    sql: async (sql: string) => toRows(await engine.run(sql, {})),
    close: async () => { await engine.close(); await rm(dir, { recursive: true, force: true }); },
  };
}
