import type { DuckDBConnection } from '@duckdb/node-api';
import { loadDuckDb } from './loadDuckDb.ts';
import { join } from 'node:path';
import { planReads, readManifest, scanRawLake } from './compactLake.ts';
import { DIMENSION_TABLES, KPI_VALUES_COLUMNS, KPI_VALUES_PARTITIONS, ROW_TABLES, SUBMISSIONS_COLUMNS, type ColumnSpec, type RowTable } from '../../../schemas/records.ts';
import { TABLE_LOCATIONS, type DimensionTable } from '../../domain/lakeKeys.ts';
import { lakeViews } from '../files/sqlFiles.ts';
import type { LakeChanges, LakeIndex, LakePlan, UnitPeriod } from './lakeIndex.ts';
import { emptyOf } from './relations.ts';

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function hasFiles(connection: DuckDBConnection, glob: string): Promise<boolean> {
  const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM glob(${sqlString(glob)})`);
  return Number(reader.getRowObjects()[0]!.n) > 0;
}

/** Tables read whole from their folder: the dimensions, and the tables of one file per row. */
const DIMENSIONS = ([...Object.entries(DIMENSION_TABLES), ...Object.entries(ROW_TABLES)] as [DimensionTable | RowTable, readonly ColumnSpec[]][])
  .map(([name, columns]) => ({ name, glob: `${TABLE_LOCATIONS[name]}*.parquet`, columns }));

const HIVE = ", hive_partitioning = true, hive_types = {'unit': VARCHAR, 'period': VARCHAR}";
const fileList = (files: string[]) => `[${files.map(sqlString).join(', ')}]`;

/** A union of compacted and raw files with the same columns, or an empty relation. */
function unionOf(columns: readonly ColumnSpec[], parts: { files: string[]; options: string }[]): string {
  const names = columns.map((c) => c.name).join(', ');
  // By name, over an empty relation of every column: a file written before a column was added
  // (source_column) reads it as null instead of failing the whole view.
  const selects = parts.filter((p) => p.files.length > 0)
    .map((p) => `SELECT ${names} FROM (${emptyOf(columns)} UNION ALL BY NAME SELECT * FROM read_parquet(${fileList(p.files)}, union_by_name = true${p.options}))`);
  return selects.length ? selects.join(' UNION ALL ') : emptyOf(columns);
}

/**
 * (Re)defines the lake's views on a connection (views live in the database, shared by its
 * connections). kpi_values and submissions read each period's compacted file where it is
 * current and the raw per-submission files elsewhere (see compactLake.ts).
 */
export async function defineLakeViews(connection: DuckDBConnection, dataDir: string): Promise<void> {
  const plan = planReads(await scanRawLake(dataDir), await readManifest(dataDir), dataDir);
  const kpiColumns = [...KPI_VALUES_COLUMNS, ...KPI_VALUES_PARTITIONS];
  await connection.run(`CREATE OR REPLACE VIEW kpi_values AS ${unionOf(kpiColumns, [
    { files: plan.compactedKpi, options: '' },
    { files: plan.rawKpi, options: HIVE },
  ])}`);
  await connection.run(`CREATE OR REPLACE VIEW submissions AS ${unionOf(SUBMISSIONS_COLUMNS, [
    { files: plan.compactedSubmissions, options: '' },
    { files: plan.rawSubmissions, options: '' },
  ])}`);
  for (const table of DIMENSIONS) {
    const glob = join(dataDir, table.glob);
    const source = (await hasFiles(connection, glob)) ? `SELECT * FROM read_parquet(${sqlString(glob)})` : emptyOf(table.columns);
    await connection.run(`CREATE OR REPLACE VIEW ${table.name} AS ${source}`);
  }
  for (const [name, sql] of Object.entries(lakeViews())) await connection.run(`CREATE OR REPLACE VIEW ${name} AS ${sql}`);
}

/**
 * The server's variant: kpi_current, kpi_assessed and kpi_points computed once per lake version into tables (the same SQL),
 * so each query joins a few thousand rows instead of re-ranking every submission.
 */
export async function defineLakeTables(connection: DuckDBConnection, dataDir: string): Promise<void> {
  await defineLakeViews(connection, dataDir);
  await materializeDerived(connection);
}

/** The derived tables the engine keeps, in the order they are computed (kpi_points and targets_met read kpi_current). */
export const DERIVED = ['kpi_current', 'kpi_assessed', 'kpi_points', 'first_received', 'targets_met'] as const;

/**
 * kpi_current, kpi_assessed, kpi_points, first_received and targets_met into tables over whatever
 * kpi_values the connection has (the same SQL as the views): rankings and trends join them for
 * every unit and period, kpi_assessed would otherwise scan every raw file, and district_trend
 * would score every value of its span again (411 ms at national size).
 */
export async function materializeDerived(connection: DuckDBConnection): Promise<void> {
  for (const view of DERIVED) {
    await connection.run(`CREATE OR REPLACE TABLE ${view}_table AS ${lakeViews()[view]}`);
    await connection.run(`CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${view}_table`);
  }
}

const KPI_COLUMNS = [...KPI_VALUES_COLUMNS, ...KPI_VALUES_PARTITIONS];

/**
 * kpi_values and submissions as the engine reads them: the compacted files, and the delta of raw
 * files since the last compaction, each its own view so that taking in a new submission replaces
 * (and binds) only the delta's.
 */
async function defineFactViews(connection: DuckDBConnection, plan: LakePlan, parts: { compacted: boolean }): Promise<string[]> {
  const bound: string[] = [...plan.rawKpi, ...plan.rawSubmissions];
  if (parts.compacted) {
    const compactedKpi = [...plan.compacted.values()].map((c) => c.file).sort();
    await connection.run(`CREATE OR REPLACE VIEW kpi_values_compacted AS ${unionOf(KPI_COLUMNS, [{ files: compactedKpi, options: '' }])}`);
    await connection.run(`CREATE OR REPLACE VIEW submissions_compacted AS ${unionOf(SUBMISSIONS_COLUMNS, [{ files: plan.compactedSubmissions, options: '' }])}`);
    bound.push(...compactedKpi, ...plan.compactedSubmissions);
  }
  await connection.run(`CREATE OR REPLACE VIEW kpi_values_delta AS ${unionOf(KPI_COLUMNS, [{ files: plan.rawKpi, options: HIVE }])}`);
  await connection.run(`CREATE OR REPLACE VIEW submissions_delta AS ${unionOf(SUBMISSIONS_COLUMNS, [{ files: plan.rawSubmissions, options: '' }])}`);
  return bound;
}

/** The tables read whole from their folder that the derived tables depend on: read into the engine, added to as files arrive. */
const KEPT_ROW_TABLES = ['approvals', 'setting_changes'] as const;

/**
 * The engine's database over the lake as `index` sees it: the fact views (compacted + delta),
 * the dimensions, heads' decisions and settings read in, the shared views, and the derived
 * tables computed whole. Done at start and when the registry or a setting changes.
 */
export async function buildEngineLake(connection: DuckDBConnection, dataDir: string, index: LakeIndex): Promise<string[]> {
  const read = await defineFactViews(connection, index.plan(), { compacted: true });
  await connection.run(`CREATE OR REPLACE VIEW kpi_values AS SELECT * FROM kpi_values_compacted UNION ALL SELECT * FROM kpi_values_delta`);
  await connection.run(`CREATE OR REPLACE VIEW submissions AS SELECT * FROM submissions_compacted UNION ALL SELECT * FROM submissions_delta`);
  for (const table of DIMENSIONS) {
    const glob = join(dataDir, table.glob);
    const source = (await hasFiles(connection, glob)) ? `SELECT * FROM read_parquet(${sqlString(glob)})` : emptyOf(table.columns);
    // The registry's tables too are read in once: each query and each refresh joins them, and a
    // change to them builds a new database anyway (LakeIndex's registry fingerprint).
    if ((KEPT_ROW_TABLES as readonly string[]).includes(table.name) || table.name in DIMENSION_TABLES) {
      await connection.run(`CREATE OR REPLACE TABLE ${table.name}_rows AS SELECT ${table.columns.map((c) => c.name).join(', ')} FROM (${emptyOf(table.columns)} UNION ALL BY NAME ${source})`);
      await connection.run(`CREATE OR REPLACE VIEW ${table.name} AS SELECT * FROM ${table.name}_rows`);
    } else {
      await connection.run(`CREATE OR REPLACE VIEW ${table.name} AS ${source}`);
    }
  }
  for (const [name, sql] of Object.entries(lakeViews())) await connection.run(`CREATE OR REPLACE VIEW ${name} AS ${sql}`);
  // Which submissions are accepted, for deriving a few unit-periods without reading every record.
  await connection.run(`CREATE OR REPLACE TABLE submission_status AS SELECT submission_id, status FROM submissions`);
  await materializeDerived(connection);
  return read;
}

const keysRelation = (keys: UnitPeriod[]) => keys.length === 0
  ? `SELECT CAST(NULL AS VARCHAR) AS unit, CAST(NULL AS VARCHAR) AS period WHERE false`
  : `SELECT * FROM (VALUES ${keys.map((k) => `(${sqlString(k.unit)}, ${sqlString(k.period)})`).join(', ')}) AS t(unit, period)`;

/**
 * Takes in what changed since the last refresh, in one transaction (queries on other connections
 * go on reading the version before until it commits): the new decisions and submission records,
 * the delta views (and the compacted ones when compaction ran), and the derived tables' rows of
 * the unit-periods touched, computed from those unit-periods' files alone. Returns the data
 * files it read or bound.
 */
export async function applyLakeChanges(connection: DuckDBConnection, dataDir: string, index: LakeIndex, changes: LakeChanges): Promise<string[]> {
  const views = lakeViews();
  const read: string[] = [];
  await connection.run('BEGIN TRANSACTION');
  try {
    if (changes.approvalFiles.length > 0) {
      await connection.run(`INSERT INTO approvals_rows BY NAME SELECT * FROM read_parquet(${fileList(changes.approvalFiles)}, union_by_name = true)`);
      read.push(...changes.approvalFiles);
    }
    if (changes.explanationFiles.length > 0) {
      // Its view may have been defined over no file at all: over the folder from now on.
      await connection.run(`CREATE OR REPLACE VIEW explanations AS SELECT * FROM read_parquet(${sqlString(join(dataDir, TABLE_LOCATIONS.explanations, '*.parquet'))})`);
    }
    if (changes.submissions.length > 0) {
      await connection.run(`INSERT INTO submission_status VALUES ${changes.submissions.map((s) => `(${sqlString(s.id)}, ${sqlString(s.status)})`).join(', ')}`);
    }
    if (changes.submissions.length > 0 || changes.manifestChanged) {
      read.push(...await defineFactViews(connection, index.plan(), { compacted: changes.manifestChanged }));
    }
    if (changes.keys.length > 0) {
      const files = index.filesOf(changes.keys);
      read.push(...files.compacted, ...files.raw);
      await connection.run(`CREATE OR REPLACE TEMP TABLE refresh_keys AS ${keysRelation(changes.keys)}`);
      // The rows of those unit-periods only: the compacted files of their periods (row groups of
      // other units skipped by their statistics) and their raw files since.
      const source = unionOf(KPI_COLUMNS, [{ files: files.compacted, options: '' }, { files: files.raw, options: HIVE }]);
      await connection.run(`CREATE OR REPLACE TEMP TABLE refresh_accepted AS
        WITH kpi_values AS (SELECT v.* FROM (${source}) v SEMI JOIN refresh_keys k ON k.unit = v.unit AND k.period = v.period),
        submissions AS (SELECT * FROM submission_status s WHERE s.submission_id IN (SELECT submission_id FROM kpi_values)),
        approvals AS (SELECT * FROM approvals_rows a WHERE a.submission_id IN (SELECT submission_id FROM kpi_values)),
        approval_state AS (\n${views.approval_state}\n)
        SELECT * FROM (\n${views.kpi_accepted}\n)`);
      for (const view of ['kpi_current', 'kpi_assessed', 'first_received'] as const) {
        await connection.run(`DELETE FROM ${view}_table t USING refresh_keys k WHERE k.unit = t.unit AND k.period = t.period`);
        await connection.run(`INSERT INTO ${view}_table WITH kpi_accepted AS (SELECT * FROM refresh_accepted) SELECT * FROM (\n${views[view]}\n)`);
      }
      // Points are per unit of a registry date: every successor of a touched unit, from the
      // current values of every unit counted under it.
      await connection.run(`CREATE OR REPLACE TEMP TABLE refresh_point_keys AS
        SELECT DISTINCT l.as_of_unit AS unit, k.period FROM refresh_keys k JOIN unit_lineage l ON l.unit = k.unit`);
      await connection.run(`CREATE OR REPLACE TEMP TABLE refresh_current AS
        SELECT c.* FROM kpi_current_table c
        SEMI JOIN (SELECT DISTINCT l.unit, k.period FROM unit_lineage l JOIN refresh_point_keys k ON k.unit = l.as_of_unit) s
          ON s.unit = c.unit AND s.period = c.period`);
      // Targets met per unit-period: from the touched unit-periods' current values (kpi_scored
      // joins only the registry besides, which does not change without a rebuild). Those values
      // are taken into a table first: with the semi-join inside, DuckDB scored every current value
      // of the lake before keeping the touched ones (190 ms at national size, 11 ms so).
      await connection.run(`CREATE OR REPLACE TEMP TABLE refresh_touched_current AS
        SELECT c.* FROM kpi_current_table c SEMI JOIN refresh_keys k ON k.unit = c.unit AND k.period = c.period`);
      await connection.run(`DELETE FROM targets_met_table t USING refresh_keys k WHERE k.unit = t.unit AND k.period = t.period`);
      await connection.run(`INSERT INTO targets_met_table
        WITH kpi_current AS (SELECT * FROM refresh_touched_current),
        kpi_scored AS (\n${views.kpi_scored}\n)
        SELECT * FROM (\n${views.targets_met}\n)`);
      await connection.run(`DELETE FROM kpi_points_table t USING refresh_point_keys k WHERE k.unit = t.unit AND k.period = t.period`);
      await connection.run(`INSERT INTO kpi_points_table
        WITH kpi_current AS (SELECT * FROM refresh_current),
        kpi_lineage AS (\n${views.kpi_lineage}\n)
        SELECT p.* FROM (\n${views.kpi_points}\n) p SEMI JOIN refresh_point_keys k ON k.unit = p.unit AND k.period = p.period`);
    }
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return [...new Set(read)];
}

/** DuckDB in-process over a local lake, for one-off use (tests, scripts). */
export async function openDuckDbLake(dataDir: string): Promise<{ connection: DuckDBConnection; close: () => void }> {
  const instance = await (await loadDuckDb()).DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await defineLakeViews(connection, dataDir);
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
