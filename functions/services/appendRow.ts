import { randomBytes } from 'node:crypto';
import { ROW_TABLES, type RowTable } from '../../schemas/records.ts';
import { lakeKeys } from '../domain/lakeKeys.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import { toColumns, writeParquetTable } from '../adapters/parquet/writeParquet.ts';

/**
 * One row of a small table read whole from its folder (a clerk's explanation, a head's decision, a
 * setting's change):
 * its own immutable file, named by time and a random part so writers never collide, then a new
 * lake version so every engine and cache reads it.
 */
export async function appendRow(store: ObjectStore, table: RowTable, row: Record<string, unknown>, now: Date): Promise<void> {
  const columns = ROW_TABLES[table];
  const name = `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
  await store.put(lakeKeys.row(table, name), writeParquetTable(columns, toColumns(columns, [row])), { ifAbsent: true });
  await store.put(lakeKeys.lakeVersion, `${table}-${name}`);
}
