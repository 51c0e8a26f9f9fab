import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KPI_VALUES_COLUMNS, KPI_VALUES_PARTITIONS, SUBMISSIONS_COLUMNS, type ColumnSpec } from '../../schemas/records.ts';

const DUCKDB_TYPE: Record<ColumnSpec['type'], string> = {
  string: 'VARCHAR', double: 'DOUBLE', int32: 'INTEGER', int64: 'BIGINT', timestamp: 'TIMESTAMP',
};

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const viewSql = (name: string) => readFileSync(new URL(`../../sql/views/${name}.sql`, import.meta.url), 'utf8');

/** An empty relation with a table's columns, for a lake that has no file of it yet. */
function emptyOf(columns: readonly ColumnSpec[]): string {
  return `SELECT ${columns.map((c) => `CAST(NULL AS ${DUCKDB_TYPE[c.type]}) AS ${c.name}`).join(', ')} WHERE false`;
}

async function hasFiles(connection: DuckDBConnection, glob: string): Promise<boolean> {
  const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM glob(${sqlString(glob)})`);
  return Number(reader.getRowObjects()[0]!.n) > 0;
}

/**
 * DuckDB in-process over a local lake: kpi_values and submissions read straight from the
 * Parquet files (hive partitions for kpi_values), kpi_current from sql/views.
 */
export async function openDuckDbLake(dataDir: string): Promise<{ connection: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const kpiGlob = join(dataDir, 'lake/kpi_values/*/*/*.parquet');
  const submissionsGlob = join(dataDir, 'lake/submissions/*.parquet');
  const kpi = (await hasFiles(connection, kpiGlob))
    ? `SELECT * FROM read_parquet(${sqlString(kpiGlob)}, hive_partitioning = true, hive_types = {'unit': VARCHAR, 'period': VARCHAR})`
    : emptyOf([...KPI_VALUES_COLUMNS, ...KPI_VALUES_PARTITIONS]);
  const submissions = (await hasFiles(connection, submissionsGlob))
    ? `SELECT * FROM read_parquet(${sqlString(submissionsGlob)})`
    : emptyOf(SUBMISSIONS_COLUMNS);
  await connection.run(`CREATE VIEW kpi_values AS ${kpi}`);
  await connection.run(`CREATE VIEW submissions AS ${submissions}`);
  await connection.run(`CREATE VIEW kpi_current AS ${viewSql('kpi_current')}`);
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
