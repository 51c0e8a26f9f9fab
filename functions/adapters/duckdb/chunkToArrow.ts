import type { DuckDBDataChunk, DuckDBType } from '@duckdb/node-api';
import { createRequire } from 'node:module';
import { Bool, DateDay, Float64, Int32, Int64, TimestampMillisecond, Utf8, makeData, makeVector, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import type { DuckDbModule } from './loadDuckDb.ts';

/** The native bindings @duckdb/node-api itself uses (the same module instance), for a vector's raw bytes. */
type Bindings = typeof import('@duckdb/node-bindings');
let bindings: Bindings | null = null;
function loadBindings(): Bindings {
  if (!bindings) {
    const require = createRequire(import.meta.url);
    bindings = createRequire(require.resolve('@duckdb/node-api'))('@duckdb/node-bindings') as Bindings;
  }
  return bindings;
}

/** Arrow's validity bitmap from DuckDB's (both one bit per row, least significant first), and the nulls it counts. */
function validityOf(b: Bindings, vector: ReturnType<Bindings['data_chunk_get_vector']>, n: number): { bitmap: Uint8Array | undefined; nulls: number } {
  const words = b.vector_get_validity(vector, Math.ceil(n / 64) * 8) as Uint8Array | null | undefined;
  if (!words || words.byteLength === 0) return { bitmap: undefined, nulls: 0 };
  const bytes = Math.ceil(n / 8);
  const bitmap = new Uint8Array(bytes);
  bitmap.set(words.subarray(0, bytes));
  if (n % 8) bitmap[bytes - 1]! &= (1 << (n % 8)) - 1;
  let valid = 0;
  for (let i = 0; i < bytes; i++) {
    let x = bitmap[i]!;
    x = x - ((x >> 1) & 0x55); x = (x & 0x33) + ((x >> 2) & 0x33); valid += (x + (x >> 4)) & 0x0f;
  }
  return valid === n ? { bitmap: undefined, nulls: 0 } : { bitmap, nulls: n - valid };
}

const isValid = (bitmap: Uint8Array | undefined, i: number) => !bitmap || (bitmap[i >> 3]! & (1 << (i & 7))) !== 0;

/** Arrow type for a DuckDB column type, and how to turn DuckDB's JS values into it (the path for types read value by value). */
export function arrowColumn(type: DuckDBType, values: unknown[], DuckDBTypeId: DuckDbModule['DuckDBTypeId']): Vector {
  const convert = (t: DataType, map: (v: unknown) => unknown = (v) => v) =>
    vectorFromArray(values.map((v) => (v === null || v === undefined ? null : map(v))), t);
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN: return convert(new Bool());
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT: case DuckDBTypeId.USMALLINT:
      return convert(new Int32(), Number);
    case DuckDBTypeId.BIGINT: case DuckDBTypeId.UINTEGER: case DuckDBTypeId.HUGEINT: case DuckDBTypeId.UBIGINT:
      return convert(new Int64(), (v) => BigInt(v as bigint));
    case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE: case DuckDBTypeId.DECIMAL:
      return convert(new Float64(), Number);
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_MS: case DuckDBTypeId.TIMESTAMP_S: case DuckDBTypeId.TIMESTAMP_TZ:
      return convert(new TimestampMillisecond(), (v) => (v instanceof Date ? v.getTime() : Number(v)));
    case DuckDBTypeId.DATE: return convert(new DateDay(), (v) => (v instanceof Date ? v : new Date(String(v))));
    default: return convert(new Utf8(), String);
  }
}

/**
 * One column of a chunk as an Arrow vector, built from the vector's bytes: numbers, dates and
 * timestamps copied as typed arrays, text copied as UTF-8 bytes into one buffer (no JS string per
 * value). Null for a type read value by value instead (arrowColumn).
 */
function fastColumn(b: Bindings, chunk: DuckDBDataChunk, column: number, type: DuckDBType, Id: DuckDbModule['DuckDBTypeId']): Vector | null {
  const n = chunk.rowCount;
  const vector = b.data_chunk_get_vector(chunk.chunk, column);
  const typed = <T extends { BYTES_PER_ELEMENT: number }>(Kind: { new(buffer: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number }): T => {
    const raw = b.vector_get_data(vector, n * Kind.BYTES_PER_ELEMENT);
    return new Kind(raw.buffer, raw.byteOffset, n);
  };
  switch (type.typeId) {
    case Id.DOUBLE: case Id.FLOAT: {
      const { bitmap, nulls } = validityOf(b, vector, n);
      const data = type.typeId === Id.DOUBLE ? Float64Array.from(typed(Float64Array)) : Float64Array.from(typed(Float32Array));
      return makeVector(makeData({ type: new Float64(), length: n, nullCount: nulls, nullBitmap: bitmap, data }));
    }
    case Id.INTEGER: case Id.SMALLINT: case Id.TINYINT: case Id.USMALLINT: case Id.UTINYINT: {
      const { bitmap, nulls } = validityOf(b, vector, n);
      const source = type.typeId === Id.INTEGER ? typed(Int32Array) : type.typeId === Id.SMALLINT ? typed(Int16Array)
        : type.typeId === Id.TINYINT ? typed(Int8Array) : type.typeId === Id.USMALLINT ? typed(Uint16Array) : typed(Uint8Array);
      return makeVector(makeData({ type: new Int32(), length: n, nullCount: nulls, nullBitmap: bitmap, data: Int32Array.from(source) }));
    }
    case Id.BIGINT: {
      const { bitmap, nulls } = validityOf(b, vector, n);
      return makeVector(makeData({ type: new Int64(), length: n, nullCount: nulls, nullBitmap: bitmap, data: BigInt64Array.from(typed(BigInt64Array)) }));
    }
    case Id.BOOLEAN: {
      const { bitmap, nulls } = validityOf(b, vector, n);
      const bytes = typed(Uint8Array);
      const bits = new Uint8Array(Math.ceil(n / 8));
      for (let i = 0; i < n; i++) if (bytes[i]) bits[i >> 3]! |= 1 << (i & 7);
      return makeVector(makeData({ type: new Bool(), length: n, nullCount: nulls, nullBitmap: bitmap, data: bits }));
    }
    case Id.DATE: {
      const { bitmap, nulls } = validityOf(b, vector, n);
      return makeVector(makeData({ type: new DateDay(), length: n, nullCount: nulls, nullBitmap: bitmap, data: Int32Array.from(typed(Int32Array)) }));
    }
    case Id.TIMESTAMP: case Id.TIMESTAMP_TZ: case Id.TIMESTAMP_MS: case Id.TIMESTAMP_S: {
      const { bitmap, nulls } = validityOf(b, vector, n);
      const source = typed(BigInt64Array);
      const data = new BigInt64Array(n);
      if (type.typeId === Id.TIMESTAMP_MS) data.set(source);
      else if (type.typeId === Id.TIMESTAMP_S) for (let i = 0; i < n; i++) data[i] = source[i]! * 1000n;
      else {
        // Microseconds to milliseconds, rounding down as Date does.
        for (let i = 0; i < n; i++) {
          if (!isValid(bitmap, i)) continue;
          const us = source[i]!;
          const ms = us / 1000n;
          data[i] = us < 0n && ms * 1000n !== us ? ms - 1n : ms;
        }
      }
      return makeVector(makeData({ type: new TimestampMillisecond(), length: n, nullCount: nulls, nullBitmap: bitmap, data }));
    }
    case Id.VARCHAR: {
      const { bitmap, nulls } = validityOf(b, vector, n);
      const raw = b.vector_get_data(vector, n * 16);
      const view = new DataView(raw.buffer, raw.byteOffset, n * 16);
      // DuckDB's string_t: a 4-byte length, then the bytes inline (up to 12) or a 4-byte prefix and a pointer.
      const offsets = new Int32Array(n + 1);
      let total = 0;
      for (let i = 0; i < n; i++) {
        if (isValid(bitmap, i)) total += view.getUint32(i * 16, true);
        offsets[i + 1] = total;
      }
      const data = new Uint8Array(total);
      const inline = new Uint8Array(raw.buffer, raw.byteOffset, n * 16);
      const long: number[] = [];
      for (let i = 0; i < n; i++) {
        const length = offsets[i + 1]! - offsets[i]!;
        if (length === 0) continue;
        if (length > 12) { long.push(i); continue; }
        const at = offsets[i]!;
        const from = i * 16 + 4;
        for (let k = 0; k < length; k++) data[at + k] = inline[from + k]!;
      }
      if (long.length > 0) copyLongStrings(b, view, long, offsets, data);
      return makeVector(makeData({ type: new Utf8(), length: n, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, data }));
    }
    default:
      return null;
  }
}

/** Reads of DuckDB's memory stop at this size: a run of strings longer is read in several. */
const RUN_BYTES = 8 * 1024 * 1024;
/** The smallest page size of the platforms DuckDB ships for (Linux and macOS x64, Linux arm64: 4 KB or more). */
const PAGE = 4096;
const scratch = new ArrayBuffer(8);
const scratchView = new DataView(scratch);

/**
 * The bytes of a vector's long strings (> 12 bytes: DuckDB's string_t holds a pointer) into
 * `data`. One native call per value was the dearest step of a query's answer (~1 µs each, 26,000
 * in a scorecard); DuckDB writes a result's strings one after another into its string heap, so
 * they are read here in runs: sorted by address, a string within 4 KB of the previous one's end
 * joins its run, and a run is copied in one call. Memory safe: every 4 KB page a run spans holds
 * bytes of one of its strings (gaps are shorter than a page), so no page is read that is not
 * mapped; the gaps' bytes are read but never used.
 */
function copyLongStrings(b: Bindings, view: DataView, rows: number[], offsets: Int32Array, data: Uint8Array): void {
  const pointer = (i: number) => view.getUint32(i * 16 + 12, true) * 0x1_0000_0000 + view.getUint32(i * 16 + 8, true);
  const addresses = new Float64Array(view.byteLength / 16);
  for (const i of rows) addresses[i] = pointer(i);
  rows.sort((x, y) => addresses[x]! - addresses[y]!);
  let first = 0;
  while (first < rows.length) {
    const start = addresses[rows[first]!]!;
    let end = start + offsets[rows[first]! + 1]! - offsets[rows[first]!]!;
    let last = first + 1;
    for (; last < rows.length; last++) {
      const i = rows[last]!;
      const at = addresses[i]!;
      const stop = at + offsets[i + 1]! - offsets[i]!;
      if (at - end >= PAGE || Math.max(end, stop) - start > RUN_BYTES) break;
      end = Math.max(end, stop);
    }
    scratchView.setUint32(0, start % 0x1_0000_0000, true);
    scratchView.setUint32(4, Math.floor(start / 0x1_0000_0000), true);
    const run = b.get_data_from_pointer(scratch, 0, end - start);
    for (let k = first; k < last; k++) {
      const i = rows[k]!;
      const from = addresses[i]! - start;
      data.set(run.subarray(from, from + offsets[i + 1]! - offsets[i]!), offsets[i]!);
    }
    first = last;
  }
}

/** A chunk's columns as Arrow vectors, by column name. */
export function chunkColumns(duckdb: DuckDbModule, chunk: DuckDBDataChunk, names: readonly string[], types: readonly DuckDBType[]): Record<string, Vector> {
  const b = loadBindings();
  return Object.fromEntries(names.map((name, i) => [name,
    fastColumn(b, chunk, i, types[i]!, duckdb.DuckDBTypeId)
      ?? arrowColumn(types[i]!, chunk.convertColumnValues(i, duckdb.JSDuckDBValueConverter), duckdb.DuckDBTypeId)]));
}
