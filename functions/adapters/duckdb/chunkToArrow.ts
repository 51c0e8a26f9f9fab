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

/** A vector's data as 32-bit words (DuckDB aligns it; an unaligned one is copied first). */
function wordsOf(raw: Uint8Array): Int32Array {
  const aligned = raw.byteOffset % 4 === 0 ? raw : raw.slice();
  return new Int32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 2);
}

const TWO_32 = 4_294_967_296;

/**
 * 64-bit counts of `unit` (microseconds: 1000, seconds: 0.001, milliseconds: 1) to milliseconds
 * rounded down as Date does, as 64-bit words: read and written as two 32-bit halves, in doubles,
 * with no BigInt per value (exact below 2^53 µs: years 1685 to 2255). Null when a value is
 * beyond: timestampMillisBig then.
 */
function timestampMillis(source: Int32Array, n: number, bitmap: Uint8Array | undefined, perMs: number): BigInt64Array | null {
  const data = new BigInt64Array(n);
  const out = new Int32Array(data.buffer);
  for (let i = 0; i < n; i++) {
    if (bitmap && (bitmap[i >> 3]! & (1 << (i & 7))) === 0) continue;
    const x = source[2 * i + 1]! * TWO_32 + (source[2 * i]! >>> 0);
    if (!Number.isSafeInteger(x)) return null;
    let ms: number;
    if (perMs === 1) ms = x;
    else if (perMs < 1) ms = x * 1000;
    else {
      ms = Math.floor(x / perMs);
      // x / 1000 is rounded: step back where it rounded up to the next integer.
      if (ms * perMs > x) ms--;
    }
    if (!Number.isSafeInteger(ms)) return null;
    const high = Math.floor(ms / TWO_32);
    out[2 * i] = ms - high * TWO_32;
    out[2 * i + 1] = high;
  }
  return data;
}

/** timestampMillis for any value, one BigInt each (beyond year 2255 in microseconds). */
function timestampMillisBig(source: BigInt64Array, n: number, bitmap: Uint8Array | undefined, perMs: number): BigInt64Array {
  const data = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (bitmap && (bitmap[i >> 3]! & (1 << (i & 7))) === 0) continue;
    const x = source[i]!;
    if (perMs === 1) data[i] = x;
    else if (perMs < 1) data[i] = x * 1000n;
    else {
      const ms = x / 1000n;
      data[i] = x < 0n && ms * 1000n !== x ? ms - 1n : ms;
    }
  }
  return data;
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
    return raw.byteOffset % Kind.BYTES_PER_ELEMENT === 0 ? new Kind(raw.buffer, raw.byteOffset, n) : new Kind(raw.slice().buffer, 0, n);
  };
  switch (type.typeId) {
    case Id.DOUBLE: case Id.FLOAT: {
      const { bitmap, nulls } = validityOf(b, vector, n);
      const data = type.typeId === Id.DOUBLE ? (typed(Float64Array) as Float64Array).slice() : Float64Array.from(typed(Float32Array));
      return makeVector(makeData({ type: new Float64(), length: n, nullCount: nulls, nullBitmap: bitmap, data }));
    }
    case Id.DECIMAL: {
      // Stored as an integer of 16, 32 or 64 bits (wider: value by value) and a scale: the
      // integer ÷ 10^scale, as DuckDB turns one into a double (exact below 2^53, else value by value).
      const { width, scale } = type as DuckDBType & { width: number; scale: number };
      if (width > 18) return null;
      const { bitmap, nulls } = validityOf(b, vector, n);
      const divisor = 10 ** scale;
      const data = new Float64Array(n);
      if (width <= 9) {
        const source = width <= 4 ? typed(Int16Array) : typed(Int32Array);
        for (let i = 0; i < n; i++) data[i] = source[i]! / divisor;
      } else {
        const words = wordsOf(b.vector_get_data(vector, n * 8));
        for (let i = 0; i < n; i++) {
          if (bitmap && (bitmap[i >> 3]! & (1 << (i & 7))) === 0) continue;
          const x = words[2 * i + 1]! * TWO_32 + (words[2 * i]! >>> 0);
          if (!Number.isSafeInteger(x)) return null;
          data[i] = x / divisor;
        }
      }
      return makeVector(makeData({ type: new Float64(), length: n, nullCount: nulls, nullBitmap: bitmap, data }));
    }
    case Id.INTEGER: case Id.SMALLINT: case Id.TINYINT: case Id.USMALLINT: case Id.UTINYINT: {
      const { bitmap, nulls } = validityOf(b, vector, n);
      const data = type.typeId === Id.INTEGER ? (typed(Int32Array) as Int32Array).slice() : type.typeId === Id.SMALLINT ? Int32Array.from(typed(Int16Array))
        : type.typeId === Id.TINYINT ? Int32Array.from(typed(Int8Array)) : type.typeId === Id.USMALLINT ? Int32Array.from(typed(Uint16Array)) : Int32Array.from(typed(Uint8Array));
      return makeVector(makeData({ type: new Int32(), length: n, nullCount: nulls, nullBitmap: bitmap, data }));
    }
    case Id.BIGINT: {
      const { bitmap, nulls } = validityOf(b, vector, n);
      return makeVector(makeData({ type: new Int64(), length: n, nullCount: nulls, nullBitmap: bitmap, data: (typed(BigInt64Array) as BigInt64Array).slice() }));
    }
    case Id.HUGEINT: {
      // 128 bits, low word first: taken as 64 bits where the high word only extends the sign
      // (counts and sums), else value by value as before.
      const { bitmap, nulls } = validityOf(b, vector, n);
      const words = wordsOf(b.vector_get_data(vector, n * 16));
      const data = new BigInt64Array(n);
      const out = new Int32Array(data.buffer);
      for (let i = 0; i < n; i++) {
        if (bitmap && (bitmap[i >> 3]! & (1 << (i & 7))) === 0) continue;
        const low = words[4 * i]!, mid = words[4 * i + 1]!, high = words[4 * i + 2]!, top = words[4 * i + 3]!;
        const sign = mid < 0 ? -1 : 0;
        if (high !== sign || top !== sign) return null;
        out[2 * i] = low;
        out[2 * i + 1] = mid;
      }
      return makeVector(makeData({ type: new Int64(), length: n, nullCount: nulls, nullBitmap: bitmap, data }));
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
      return makeVector(makeData({ type: new DateDay(), length: n, nullCount: nulls, nullBitmap: bitmap, data: (typed(Int32Array) as Int32Array).slice() }));
    }
    case Id.TIMESTAMP: case Id.TIMESTAMP_TZ: case Id.TIMESTAMP_MS: case Id.TIMESTAMP_S: {
      const { bitmap, nulls } = validityOf(b, vector, n);
      const perMs = type.typeId === Id.TIMESTAMP_MS ? 1 : type.typeId === Id.TIMESTAMP_S ? 0.001 : 1000;
      const words = wordsOf(b.vector_get_data(vector, n * 8));
      const data = timestampMillis(words, n, bitmap, perMs) ?? timestampMillisBig(new BigInt64Array(words.buffer, words.byteOffset, n), n, bitmap, perMs);
      return makeVector(makeData({ type: new TimestampMillisecond(), length: n, nullCount: nulls, nullBitmap: bitmap, data }));
    }
    case Id.VARCHAR: {
      const { bitmap, nulls } = validityOf(b, vector, n);
      const { offsets, data } = stringBytes(b, wordsOf(b.vector_get_data(vector, n * 16)), n, bitmap);
      return makeVector(makeData({ type: new Utf8(), length: n, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, data }));
    }
    default:
      return null;
  }
}

/**
 * A VARCHAR vector's values as Arrow's offsets and UTF-8 bytes. DuckDB's string_t is 16 bytes:
 * a 4-byte length, then the bytes inline (up to 12) or a 4-byte prefix and a pointer (words 2, 3).
 */
function stringBytes(b: Bindings, words: Int32Array, n: number, bitmap: Uint8Array | undefined): { offsets: Int32Array; data: Uint8Array } {
  const inline = new Uint8Array(words.buffer, words.byteOffset, n * 16);
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!bitmap || (bitmap[i >> 3]! & (1 << (i & 7))) !== 0) total += words[4 * i]!;
    offsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  const long = new Int32Array(n);
  let longCount = 0;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const end = offsets[i + 1]!;
    const length = end - at;
    if (length > 12) long[longCount++] = i;
    else for (let from = i * 16 + 4; at < end; at++, from++) data[at] = inline[from]!;
    at = end;
  }
  if (longCount > 0) copyLongStrings(b, words, long.subarray(0, longCount), offsets, data);
  return { offsets, data };
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
 * in a scorecard), and so was sorting every value by address. DuckDB writes a result's strings
 * one after another into its string heap's blocks: strings that follow one another both in the
 * column and in memory are taken as one block (a materialised result's column is a few blocks
 * per chunk); blocks are read in runs: by address, a block within 4 KB of the previous one's
 * end joins its run, and a run is read in one call. Memory safe: every 4 KB page a run spans
 * holds bytes of one of its strings (gaps are shorter than a page), so no page is read that is
 * not mapped; the gaps' bytes are read but never used.
 */
function copyLongStrings(b: Bindings, words: Int32Array, rows: Int32Array, offsets: Int32Array, data: Uint8Array): void {
  const count = rows.length;
  // Blocks, in the column's order: [start address, end address) and the first row of each.
  const starts = new Float64Array(count);
  const ends = new Float64Array(count);
  const firstRows = new Int32Array(count);
  let blocks = 0;
  for (let k = 0; k < count; k++) {
    const i = rows[k]!;
    const address = (words[4 * i + 3]! >>> 0) * TWO_32 + (words[4 * i + 2]! >>> 0);
    const size = offsets[i + 1]! - offsets[i]!;
    if (blocks > 0 && i === rows[k - 1]! + 1 && address === ends[blocks - 1]) {
      ends[blocks - 1] = address + size;
      continue;
    }
    starts[blocks] = address;
    ends[blocks] = address + size;
    firstRows[blocks] = i;
    blocks++;
  }
  const order = new Int32Array(blocks);
  let sorted = true;
  for (let k = 0; k < blocks; k++) {
    order[k] = k;
    if (k > 0 && starts[k]! < starts[k - 1]!) sorted = false;
  }
  if (!sorted) order.sort((x, y) => starts[x]! - starts[y]!);
  let first = 0;
  while (first < blocks) {
    const start = starts[order[first]!]!;
    let end = ends[order[first]!]!;
    let last = first + 1;
    for (; last < blocks; last++) {
      const k = order[last]!;
      if (starts[k]! - end >= PAGE || Math.max(end, ends[k]!) - start > RUN_BYTES) break;
      end = Math.max(end, ends[k]!);
    }
    scratchView.setUint32(0, start % TWO_32, true);
    scratchView.setUint32(4, Math.floor(start / TWO_32), true);
    const run = b.get_data_from_pointer(scratch, 0, end - start);
    for (let x = first; x < last; x++) {
      const k = order[x]!;
      const from = starts[k]! - start;
      const to = ends[k]! - start;
      const target = offsets[firstRows[k]!]!;
      if (to - from > 64) data.set(run.subarray(from, to), target);
      else for (let p = from, q = target; p < to; p++, q++) data[q] = run[p]!;
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
