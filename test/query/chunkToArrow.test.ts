import { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { arrowColumn, chunkColumns } from '../../functions/adapters/duckdb/chunkToArrow.ts';
import { loadDuckDb } from '../../functions/adapters/duckdb/loadDuckDb.ts';
import { toRows } from '../../functions/http/render.ts';

let instance: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => { instance = await (await loadDuckDb()).DuckDBInstance.create(':memory:'); c = await instance.connect(); });
afterAll(() => { c.closeSync(); instance.closeSync(); });

/** Both paths over every chunk of a query: the vectors' bytes, and DuckDB's JS values one by one. */
async function bothWays(sql: string) {
  const duckdb = await loadDuckDb();
  const result = await c.run(sql);
  const names = result.columnNames();
  const types = result.columnTypes();
  const fast: Table[] = [];
  const slow: Table[] = [];
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    fast.push(new Table(chunkColumns(duckdb, chunk, names, types)));
    slow.push(new Table(Object.fromEntries(names.map((n, i) => [n, arrowColumn(types[i]!, chunk!.convertColumnValues(i, duckdb.JSDuckDBValueConverter), duckdb.DuckDBTypeId)]))));
  }
  return { fast, slow };
}

describe('Arrow from DuckDB chunks', () => {
  it('gives the same columns, types and values as converting value by value, nulls included', async () => {
    const { fast, slow } = await bothWays(`
      SELECT i::INTEGER AS int, i::SMALLINT AS small, i::BIGINT AS big, i / 7.0 AS dbl, (i / 3)::FLOAT AS flt, i % 3 = 0 AS yes,
             CASE WHEN i % 5 = 0 THEN NULL ELSE 'xã ' || repeat('Tề Lỗ ', i % 4) || i END AS text,
             CASE WHEN i % 4 = 0 THEN NULL ELSE ('2019-01-01'::DATE + i::INTEGER) END AS day,
             CASE WHEN i % 6 = 0 THEN NULL ELSE TIMESTAMP '1969-12-31 23:59:59.9995' + to_microseconds(i * 1234567) END AS at,
             CASE WHEN i % 7 = 0 THEN NULL ELSE i END AS maybe, 1.5 AS dec, '' AS empty
      FROM range(5000) t(i)`);
    expect(fast.length).toBeGreaterThan(1);
    for (const [k, table] of fast.entries()) {
      expect(table.schema.fields.map((f) => String(f.type))).toEqual(slow[k]!.schema.fields.map((f) => String(f.type)));
      expect(toRows(table)).toEqual(toRows(slow[k]!));
    }
  });
});
