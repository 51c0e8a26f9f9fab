import { Precision, Type, type DataType, type Field, type Float, type Int, type RecordBatch, type Table, type Timestamp, type Vector } from 'apache-arrow';
import { MS_PER_DAY } from '../domain/dates.ts';

export type Plain = string | number | boolean | null;

/** A cell as JSON carries it: BigInt as a number, a timestamp as ISO-8601 text. */
function plain(value: unknown): Plain {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

/** Rows as plain objects keyed by column name, in column order. */
export function toRows(table: Table): Record<string, Plain>[] {
  const names = table.schema.fields.map((f) => f.name);
  const timestamps = table.schema.fields.map((f) => f.type.toString().startsWith('Timestamp'));
  // A column's iterator is much faster than get(i) per cell, and yields null where a value is missing.
  const columns = names.map((n) => Array.from(table.getChild(n)!) as unknown[]);
  const rows: Record<string, Plain>[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: Record<string, Plain> = {};
    for (let c = 0; c < names.length; c++) {
      const v = columns[c]![r];
      row[names[c]!] = timestamps[c] && v !== null ? new Date(Number(v)).toISOString() : plain(v);
    }
    rows[r] = row;
  }
  return rows;
}

/** A growing byte buffer: JSON is written as UTF-8 bytes, never as one big JS string. */
class ByteSink {
  buf: Buffer;
  length = 0;
  constructor(size: number) { this.buf = Buffer.allocUnsafe(Math.max(1024, size)); }
  room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  /** Short runs are copied in a loop: a subarray per cell costs more than the bytes. */
  bytes(src: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    const { buf } = this;
    if (end - start > 64) { buf.set(src.subarray(start, end), this.length); this.length += end - start; return; }
    let at = this.length;
    for (let i = start; i < end; i++) buf[at++] = src[i]!;
    this.length = at;
  }
  text(s: string): void {
    this.room(s.length * 3);
    this.length += this.buf.write(s, this.length, 'utf8');
  }
  /** Text known to be ASCII (numbers, dates, null), byte by byte. */
  ascii(s: string): void {
    this.room(s.length);
    const { buf } = this;
    let at = this.length;
    for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
    this.length = at;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }
  done(): Buffer { return this.buf.subarray(0, this.length); }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
type Chunk = { getValid(i: number): boolean; valueOffsets: Int32Array; values: Uint8Array; length: number; type: { typeId: number } };
/** JSON.stringify's escapes for the bytes below 0x20 that have a short form. */
const SHORT_ESCAPES: Record<number, number> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72 };
const HEX = '0123456789abcdef';

/**
 * A UTF-8 cell as a JSON string, escaped as JSON.stringify escapes: only `"`, `\\` and bytes
 * below 0x20 need it, and none of them can occur inside a multi-byte UTF-8 sequence.
 */
function writeUtf8(out: ByteSink, values: Uint8Array, start: number, end: number): void {
  out.room(2 + (end - start) * 6);
  const buf = out.buf;
  let at = out.length;
  buf[at++] = QUOTE;
  for (let i = start; i < end; i++) {
    const b = values[i]!;
    if (b >= 0x20 && b !== QUOTE && b !== BACKSLASH) { buf[at++] = b; continue; }
    buf[at++] = BACKSLASH;
    if (b === QUOTE || b === BACKSLASH) { buf[at++] = b; continue; }
    const short = SHORT_ESCAPES[b];
    if (short) { buf[at++] = short; continue; }
    buf[at++] = 0x75; buf[at++] = 0x30; buf[at++] = 0x30; // u00
    buf[at++] = HEX.charCodeAt(b >> 4); buf[at++] = HEX.charCodeAt(b & 15);
  }
  buf[at++] = QUOTE;
  out.length = at;
}

/** Room a writer starts with; it grows as the rows need. */
const START_BYTES = 256 * 1024;

/** Writes rows as JSON objects separated by commas, batch after batch, as UTF-8 bytes. */
class JsonRowsWriter {
  private readonly keys: Buffer[];
  private readonly out = new ByteSink(START_BYTES);

  /** `first`: no row was written before these (no comma before the first). */
  constructor(private readonly fields: Field[], private first = true) {
    this.keys = fields.map((f, i) => Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`));
  }

  byte(b: number): void { this.out.byte(b); }

  batch(batch: RecordBatch): void {
    const { fields, keys, out } = this;
    const writers = fields.map((f, c) => cellWriter(f.type, batch.getChildAt(c)!));
    for (let r = 0; r < batch.numRows; r++) {
      if (!this.first) out.byte(0x2c); // ,
      this.first = false;
      if (fields.length === 0) out.ascii('{}');
      for (let c = 0; c < fields.length; c++) {
        const key = keys[c]!;
        out.bytes(key, 0, key.length);
        writers[c]!(out, r);
      }
      if (fields.length) out.byte(0x7d); // }
    }
  }

  done(): Buffer { return this.out.done(); }
}

/**
 * The rows as JSON, written as UTF-8 straight from the Arrow buffers: text cells are copied byte
 * for byte (most need no escaping), each column's encoder is chosen once, no object per row and
 * no decoded string per cell. Equal to JSON.stringify(toRows(table)), byte for byte.
 */
export function toJsonBytes(table: Table): Buffer {
  const writer = new JsonRowsWriter(table.schema.fields);
  writer.byte(0x5b); // [
  for (const batch of table.batches) writer.batch(batch);
  writer.byte(0x5d); // ]
  return writer.done();
}

/**
 * One batch's rows as they sit inside the JSON array (a comma before each but the very first
 * row of the answer): batches written one at a time, as the engine reads them, join into the
 * same bytes as toJsonBytes.
 */
export function batchJson(batch: RecordBatch, first: boolean): Buffer {
  const writer = new JsonRowsWriter(batch.schema.fields, first);
  writer.batch(batch);
  return writer.done();
}

/** Whether any cell of a text column needs escaping: one pass over its bytes, so most columns copy without looking. */
function anyEscapes(values: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = values[i]!;
    if (b < 0x20 || b === QUOTE || b === BACKSLASH) return true;
  }
  return false;
}

/** A UTF-8 cell known to need no escaping, copied as it is. */
function writeClean(out: ByteSink, values: Uint8Array, start: number, end: number): void {
  out.room(2 + end - start);
  const buf = out.buf;
  let at = out.length;
  buf[at++] = QUOTE;
  if (end - start > 32) {
    buf.set(values.subarray(start, end), at);
    at += end - start;
  } else {
    for (let i = start; i < end; i++) buf[at++] = values[i]!;
  }
  buf[at++] = QUOTE;
  out.length = at;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * Date#toISOString without a Date: a result of thousands of timestamps spent most of its time
 * there. Civil date from days after 1970-01-01 (H. Hinnant's algorithm); other years as Date does.
 */
export function isoTime(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  const inDay = ms - days * MS_PER_DAY;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return new Date(ms).toISOString();
  const h = Math.floor(inDay / 3_600_000);
  const m = Math.floor((inDay % 3_600_000) / 60_000);
  const sec = Math.floor((inDay % 60_000) / 1000);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(h, 2)}:${pad(m, 2)}:${pad(sec, 2)}.${pad(inDay % 1000, 3)}Z`;
}

/** `"YYYY-MM-DDT` per day number: the timestamps of a result fall on few days. */
const dayPrefixes = new Map<number, Buffer>();

/** A timestamp as isoTime writes it, quoted, with digits written straight into the bytes. */
function writeIsoTime(out: ByteSink, ms: number): void {
  const days = Math.floor(ms / MS_PER_DAY);
  let prefix = dayPrefixes.get(days);
  if (!prefix) {
    const text = isoTime(days * MS_PER_DAY);
    // Years outside 0–9999 are written longer (±YYYYYY): as isoTime has them.
    if (text.length !== 24) return out.ascii(`"${isoTime(ms)}"`);
    if (dayPrefixes.size >= 20_000) dayPrefixes.clear();
    dayPrefixes.set(days, (prefix = Buffer.from(`"${text.slice(0, 11)}`, 'latin1')));
  }
  let t = ms - days * MS_PER_DAY;
  const milli = t % 1000; t = (t - milli) / 1000;
  const sec = t % 60; t = (t - sec) / 60;
  const min = t % 60;
  const hour = (t - min) / 60;
  out.room(26);
  const buf = out.buf;
  let at = out.length;
  for (let i = 0; i < 12; i++) buf[at++] = prefix[i]!;
  buf[at++] = 0x30 + ((hour / 10) | 0); buf[at++] = 0x30 + (hour % 10); buf[at++] = 0x3a; // :
  buf[at++] = 0x30 + ((min / 10) | 0); buf[at++] = 0x30 + (min % 10); buf[at++] = 0x3a;
  buf[at++] = 0x30 + ((sec / 10) | 0); buf[at++] = 0x30 + (sec % 10); buf[at++] = 0x2e; // .
  buf[at++] = 0x30 + ((milli / 100) | 0); buf[at++] = 0x30 + (((milli / 10) | 0) % 10); buf[at++] = 0x30 + (milli % 10);
  buf[at++] = 0x5a; buf[at++] = QUOTE; // Z"
  out.length = at;
}

type CellWriter = (out: ByteSink, row: number) => void;
/** Milliseconds per unit of apache-arrow's TimeUnit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND). */
const MS_PER_UNIT = [1000, 1, 1e-3, 1e-6];

/** How a column's non-null cells are written from its typed buffers, for the types that have a way. */
function valueWriter(type: DataType, data: Chunk & { values: ArrayLike<number | bigint> }): CellWriter | null {
  if (type.typeId === Type.Utf8) {
    const { values, valueOffsets, length } = data;
    const write = anyEscapes(values, valueOffsets[0]!, valueOffsets[length]!) ? writeUtf8 : writeClean;
    return (out, r) => write(out, values, valueOffsets[r]!, valueOffsets[r + 1]!);
  }
  if (type.typeId === Type.Int && (type as Int).bitWidth <= 32) {
    const values = data.values as ArrayLike<number>;
    return (out, r) => out.ascii(String(values[r]));
  }
  if (type.typeId === Type.Float && (type as Float).precision !== Precision.HALF) {
    const values = data.values as ArrayLike<number>;
    return (out, r) => out.ascii(Number.isFinite(values[r]) ? String(values[r]) : 'null');
  }
  if (type.typeId === Type.Timestamp) {
    // 64-bit counts read as two 32-bit halves: no BigInt per cell.
    const b = data.values as unknown as BigInt64Array;
    const halves = new Int32Array(b.buffer, b.byteOffset, b.length * 2);
    const scale = MS_PER_UNIT[(type as Timestamp).unit]!;
    return (out, r) => writeIsoTime(out, Math.trunc((halves[2 * r + 1]! * 4_294_967_296 + (halves[2 * r]! >>> 0)) * scale));
  }
  return null;
}

/** How one column's cells are written, chosen once per batch: typed buffers read directly. */
function cellWriter(type: DataType, vector: Vector): CellWriter {
  const data = vector.data[0] as unknown as Chunk & { values: ArrayLike<number | bigint>; nullCount: number };
  if (vector.data.length === 1) {
    const write = valueWriter(type, data);
    // Most columns have no null: their cells are written without asking.
    if (write) return data.nullCount === 0 ? write : (out, r) => (data.getValid(r) ? write(out, r) : out.ascii('null'));
  }
  // Anything else (64-bit integers, booleans, dates, nested types) as toRows sees it.
  const cells = Array.from(vector) as unknown[];
  if (type.typeId === Type.Bool) return (out, r) => out.ascii(cells[r] === null || cells[r] === undefined ? 'null' : cells[r] ? 'true' : 'false');
  const int64 = type.typeId === Type.Int;
  return (out, r) => {
    const v = cells[r];
    if (v === null || v === undefined) out.ascii('null');
    else if (int64) out.ascii(String(Number(v)));
    else out.text(JSON.stringify(plain(v)));
  };
}

const COMMA = 0x2c;
const APOSTROPHE = 0x27;
const CR = 0x0d;
const LF = 0x0a;

/** Whether a UTF-8 cell must be quoted in CSV (a comma, quote or line break: ASCII, never inside a multi-byte sequence). */
function csvNeedsQuotes(values: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = values[i]!;
    if (b === COMMA || b === QUOTE || b === LF || b === CR) return true;
  }
  return false;
}

/**
 * A UTF-8 text cell as render.ts's csvCell writes it for machines: a leading = + - @ tab or CR
 * (a formula to Excel) kept as text behind an apostrophe, quoted where it must be.
 */
function writeCsvText(out: ByteSink, values: Uint8Array, start: number, end: number): void {
  const first = start < end ? values[start]! : -1;
  const formula = first === 0x3d || first === 0x2b || first === 0x2d || first === 0x40 || first === 0x09 || first === CR;
  if (!csvNeedsQuotes(values, start, end)) {
    if (formula) out.byte(APOSTROPHE);
    out.bytes(values, start, end);
    return;
  }
  out.room(3 + (end - start) * 2);
  const buf = out.buf;
  let at = out.length;
  buf[at++] = QUOTE;
  if (formula) buf[at++] = APOSTROPHE;
  for (let i = start; i < end; i++) {
    const b = values[i]!;
    if (b === QUOTE) buf[at++] = QUOTE;
    buf[at++] = b;
  }
  buf[at++] = QUOTE;
  out.length = at;
}

/** A cell written as csvCell writes it (machine options): only text is kept from being a formula or quoted. */
function writeCsvPlain(out: ByteSink, value: Plain): void {
  if (value === null) return;
  if (typeof value !== 'string') return out.ascii(String(value));
  const text = Buffer.from(value, 'utf8');
  writeCsvText(out, text, 0, text.length);
}

/** How one column's non-null cells are written to CSV, from its typed buffers where it has them. */
function csvCellWriter(type: DataType, vector: Vector): CellWriter {
  const data = vector.data[0] as unknown as Chunk & { values: ArrayLike<number | bigint>; nullCount: number };
  let write: CellWriter | null = null;
  if (vector.data.length === 1) {
    if (type.typeId === Type.Utf8) {
      const { values, valueOffsets } = data;
      write = (out, r) => writeCsvText(out, values, valueOffsets[r]!, valueOffsets[r + 1]!);
    } else if ((type.typeId === Type.Int && (type as Int).bitWidth <= 32) || (type.typeId === Type.Float && (type as Float).precision !== Precision.HALF)) {
      const values = data.values as ArrayLike<number>;
      write = (out, r) => out.ascii(String(values[r]));
    } else if (type.typeId === Type.Timestamp) {
      const b = data.values as unknown as BigInt64Array;
      const halves = new Int32Array(b.buffer, b.byteOffset, b.length * 2);
      const scale = MS_PER_UNIT[(type as Timestamp).unit]!;
      write = (out, r) => writeCsvPlain(out, isoTime(Math.trunc((halves[2 * r + 1]! * 4_294_967_296 + (halves[2 * r]! >>> 0)) * scale)));
    }
  }
  if (write) {
    const w = write;
    return data.nullCount === 0 ? w : (out, r) => { if (data.getValid(r)) w(out, r); };
  }
  // Anything else as toRows sees it.
  const cells = Array.from(vector) as unknown[];
  const timestamp = type.typeId === Type.Timestamp;
  return (out, r) => {
    const v = cells[r];
    writeCsvPlain(out, timestamp && v !== null && v !== undefined ? new Date(Number(v)).toISOString() : plain(v));
  };
}

/**
 * A result as CSV for machines (the API, the CLI: column names, every digit), written as UTF-8
 * straight from the Arrow buffers: the bytes render.ts's toCsv writes from rows, without an
 * object per row or a string per cell. UTF-8 with BOM and CRLF.
 */
export function machineCsv(table: Table): Buffer {
  const out = new ByteSink(START_BYTES);
  const fields = table.schema.fields;
  out.bytes(Buffer.from('\ufeff', 'utf8'), 0, 3);
  fields.forEach((f, c) => {
    if (c > 0) out.byte(COMMA);
    writeCsvPlain(out, f.name);
  });
  out.byte(CR); out.byte(LF);
  for (const batch of table.batches) {
    const writers = fields.map((f, c) => csvCellWriter(f.type, batch.getChildAt(c)!));
    for (let r = 0; r < batch.numRows; r++) {
      for (let c = 0; c < writers.length; c++) {
        if (c > 0) out.byte(COMMA);
        writers[c]!(out, r);
      }
      out.byte(CR); out.byte(LF);
    }
  }
  return out.done();
}
