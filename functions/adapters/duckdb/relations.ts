import type { ColumnSpec } from '../../../schemas/records.ts';

const DUCKDB_TYPE: Record<ColumnSpec['type'], string> = {
  string: 'VARCHAR', double: 'DOUBLE', int32: 'INTEGER', int64: 'BIGINT', timestamp: 'TIMESTAMP',
};

/** An empty relation with a table's columns, for a lake that has no file of it yet. */
export function emptyOf(columns: readonly ColumnSpec[]): string {
  return `SELECT ${columns.map((c) => `CAST(NULL AS ${DUCKDB_TYPE[c.type]}) AS ${c.name}`).join(', ')} WHERE false`;
}
