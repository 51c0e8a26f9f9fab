import { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
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

  it('reads 64-bit and 128-bit integers and timestamps beyond 2^53 too (value by value where the fast path cannot)', async () => {
    const { fast, slow } = await bothWays(`
      SELECT i::HUGEINT AS small_huge, (i::HUGEINT - 2500) * 1000000000000 AS signed_huge,
             CASE WHEN i = 4999 THEN 170141183460469231731687303715884105727::HUGEINT ELSE i::HUGEINT END AS huge_beyond,
             sum(i) OVER (ORDER BY i) AS running, -i::BIGINT * 3 AS negative,
             CASE WHEN i % 3 = 0 THEN NULL ELSE i::HUGEINT END AS huge_nulls,
             CASE WHEN i = 4000 THEN TIMESTAMP '3000-01-01 00:00:00.001999' WHEN i = 4001 THEN TIMESTAMP '1500-07-01 00:00:00.001' ELSE TIMESTAMP '2024-03-05 06:07:08.123456' + to_microseconds(i) END AS far,
             TIMESTAMP '1900-01-01 00:00:00.002' - to_microseconds(i * 1000) AS before_1970,
             CAST(TIMESTAMP '2024-03-05 06:07:08' AS TIMESTAMP_S) + to_seconds(i) AS secs,
             CAST(TIMESTAMP '2024-03-05 06:07:08.5' AS TIMESTAMP_MS) - to_microseconds(i * 1000) AS millis,
             CAST((i % 100) / 7 AS DECIMAL(4, 2)) AS dec4, CAST(-i / 3 AS DECIMAL(9, 3)) AS dec9,
             CASE WHEN i % 4 = 0 THEN NULL ELSE CAST(i * 1234567.891 AS DECIMAL(18, 5)) END AS dec18,
             CASE WHEN i = 4500 THEN 9999999999999.99999::DECIMAL(18, 5) ELSE 0.5::DECIMAL(18, 5) END AS dec18_wide,
             CAST(i / 11 AS DECIMAL(30, 8)) AS dec30, 100.0 * i / 3 AS computed
      FROM range(5000) t(i)`);
    expect(fast.length).toBeGreaterThan(1);
    for (const [k, table] of fast.entries()) {
      expect(table.schema.fields.map((f) => String(f.type))).toEqual(slow[k]!.schema.fields.map((f) => String(f.type)));
      expect(toRows(table)).toEqual(toRows(slow[k]!));
    }
  });

  it('copies long strings wherever DuckDB holds them: in any order in memory, in runs longer than one read', async () => {
    const duckdb = await loadDuckDb();
    const require = createRequire(require_resolve());
    const b = require('@duckdb/node-bindings') as typeof import('@duckdb/node-bindings');
    const n = 1500;
    const texts = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? `ngắn ${i}` : i % 97 === 0 ? `Xã ${i} `.repeat(300_000) : `Xã Tề Lỗ, huyện Yên Lạc — dòng ${i} ${'x'.repeat(i % 40)}`));
    const chunk = duckdb.DuckDBDataChunk.create([duckdb.VARCHAR], n);
    const vector = b.data_chunk_get_vector(chunk.chunk, 0);
    // Written in a shuffled order: the rows' strings lie in DuckDB's heap in that order, not the rows'.
    const order = Array.from({ length: n }, (_, i) => (i * 7919) % n);
    for (const i of order) b.vector_assign_string_element(vector, i, texts[i]!);
    chunk.rowCount = n;
    const table = new Table(chunkColumns(duckdb, chunk, ['t'], [duckdb.VARCHAR]));
    expect(table.getChild('t')!.toArray()).toEqual(texts);
  });
});

/** Where @duckdb/node-api is, for the native bindings it loads. */
function require_resolve(): string {
  return createRequire(import.meta.url).resolve('@duckdb/node-api');
}
