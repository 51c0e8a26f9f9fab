import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSpec, ColumnType } from '../../../schemas/records.ts';

const PARQUET_TYPE: Record<ColumnType, 'STRING' | 'DOUBLE' | 'INT32' | 'INT64' | 'TIMESTAMP'> = {
  string: 'STRING',
  double: 'DOUBLE',
  int32: 'INT32',
  int64: 'INT64',
  timestamp: 'TIMESTAMP', // INT64 with TIMESTAMP_MILLIS: read as TIMESTAMP by DuckDB and by Athena
};

/**
 * One Parquet file from column arrays laid out by a schema in schemas/records.ts:
 * snappy-compressed, dictionary-encoded where it pays, with min/max statistics, one row group.
 */
export function writeParquetTable(specs: readonly ColumnSpec[], columns: Record<string, unknown[]>): Uint8Array {
  const rowCount = columns[specs[0]!.name]?.length ?? 0;
  const columnData = specs.map((spec) => {
    const data = columns[spec.name];
    if (!data || data.length !== rowCount) throw new Error(`column ${spec.name}: expected ${rowCount} values`);
    // hyparquet-writer takes INT64 values as bigint.
    const values = spec.type === 'int64' ? data.map((v) => (v === null || v === undefined ? null : BigInt(v as number))) : data;
    // One page per column: a page index would cost more than it saves.
    return { name: spec.name, data: values, type: PARQUET_TYPE[spec.type], nullable: spec.nullable, offsetIndex: false };
  });
  const buffer = parquetWriteBuffer({
    columnData: columnData as Parameters<typeof parquetWriteBuffer>[0]['columnData'],
    codec: 'SNAPPY',
    statistics: true,
    statisticsTruncateLength: 64,
    rowGroupSize: 1_000_000,
    createdBy: 'chiso',
  });
  return new Uint8Array(buffer);
}

/** Turns row objects into the column arrays writeParquetTable takes. */
export function toColumns(specs: readonly ColumnSpec[], rows: readonly Record<string, unknown>[]): Record<string, unknown[]> {
  const columns: Record<string, unknown[]> = {};
  for (const spec of specs) columns[spec.name] = rows.map((r) => r[spec.name] ?? null);
  return columns;
}
