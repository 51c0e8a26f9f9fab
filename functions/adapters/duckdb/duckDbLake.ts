import type { DuckDBConnection } from '@duckdb/node-api';
import { loadDuckDb } from './loadDuckDb.ts';
import { join } from 'node:path';
import { planReads, readManifest, scanRawLake } from './compactLake.ts';
import { DIMENSION_TABLES, KPI_VALUES_COLUMNS, KPI_VALUES_PARTITIONS, ROW_TABLES, SUBMISSIONS_COLUMNS, type ColumnSpec, type RowTable } from '../../../schemas/records.ts';
import { TABLE_LOCATIONS, type DimensionTable } from '../../domain/lakeKeys.ts';
import { lakeViews } from '../files/sqlFiles.ts';

const DUCKDB_TYPE: Record<ColumnSpec['type'], string> = {
  string: 'VARCHAR', double: 'DOUBLE', int32: 'INTEGER', int64: 'BIGINT', timestamp: 'TIMESTAMP',
};

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** An empty relation with a table's columns, for a lake that has no file of it yet. */
function emptyOf(columns: readonly ColumnSpec[]): string {
  return `SELECT ${columns.map((c) => `CAST(NULL AS ${DUCKDB_TYPE[c.type]}) AS ${c.name}`).join(', ')} WHERE false`;
}

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

/**
 * kpi_current, kpi_assessed and kpi_points into tables over whatever kpi_values the connection
 * has (the same SQL as the views): rankings and trends join them for every unit and period, and
 * kpi_assessed would otherwise scan every raw file.
 */
export async function materializeDerived(connection: DuckDBConnection): Promise<void> {
  for (const view of ['kpi_current', 'kpi_assessed', 'kpi_points', 'first_received'] as const) {
    await connection.run(`CREATE OR REPLACE TABLE ${view}_table AS ${lakeViews()[view]}`);
    await connection.run(`CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${view}_table`);
  }
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
