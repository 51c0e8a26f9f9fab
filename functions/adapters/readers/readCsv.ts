import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { Readable } from 'node:stream';
import { ingestError, RejectedFileError } from '../../domain/ingest/errors.ts';
import type { SheetSource } from '../../domain/ingest/extractSubmission.ts';
import type { SheetRow } from '../../domain/types.ts';
import { LIMITS } from '../../domain/limits.ts';

/** UTF-8 with or without BOM, UTF-16 with BOM: the encoding and where the text starts. */
function encodingOf(b: Uint8Array): { label: 'utf-8' | 'utf-16le' | 'utf-16be'; start: number } {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { label: 'utf-8', start: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { label: 'utf-16le', start: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { label: 'utf-16be', start: 2 };
  return { label: 'utf-8', start: 0 };
}

/** How much text is decoded and parsed at a time: the file is never one string. */
const SLICE_BYTES = 64 * 1024;

/**
 * The file's text in slices, decoded strictly: bytes that are not UTF-8 (a file saved as
 * Windows-1258) are refused with how to save it, wherever they are in the file.
 */
function* decodedSlices(bytes: Uint8Array, from = 0, until = bytes.length): Generator<string> {
  const { label, start } = encodingOf(bytes);
  const decoder = new TextDecoder(label, { fatal: true });
  try {
    for (let at = Math.max(start, from); at < until; at += SLICE_BYTES) {
      const end = Math.min(at + SLICE_BYTES, until);
      yield decoder.decode(bytes.subarray(at, end), { stream: end < bytes.length });
    }
  } catch {
    throw new RejectedFileError(ingestError('CSV_ENCODING'));
  }
}

const DELIMITERS = [',', ';', '\t'] as const;
const DETECT_PREFIX_CHARS = 64 * 1024;
/** A report's row is a few hundred characters; a record past this is not a table. */
export const MAX_RECORD_CHARS = 100_000;

/**
 * Comma, semicolon (Excel in locales with a decimal comma) or tab: the one that splits the
 * first lines into the same number of fields most often, and into the most fields.
 */
export function detectDelimiter(text: string): string {
  // A bounded prefix: a file of one 50 MB line must not be parsed three times to choose.
  const sample = text.slice(0, DETECT_PREFIX_CHARS).split(/\r?\n/).filter((l) => l.trim()).slice(0, 30).join('\n');
  let best: { delimiter: string; score: number } = { delimiter: ',', score: -1 };
  for (const delimiter of DELIMITERS) {
    let records: string[][];
    try {
      records = parseSync(sample, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, max_record_size: MAX_RECORD_CHARS }) as string[][];
    } catch {
      continue;
    }
    const widths = new Map<number, number>();
    for (const r of records) widths.set(r.length, (widths.get(r.length) ?? 0) + 1);
    // Rows with the widest common width carry the table; title lines above it are narrower.
    let score = 0;
    for (const [width, count] of widths) if (width > 1) score = Math.max(score, count * 1000 + width);
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

/**
 * A CSV file is one sheet, named after the file. Its rows are parsed as they are read, a slice
 * at a time: a 250,000-row file is never held as one string nor as all its records at once.
 */
export function readCsv(bytes: Uint8Array, fileName: string): SheetSource[] {
  // The first 64 KB (bytes, so at most as many characters) is enough to choose.
  const delimiter = detectDelimiter([...decodedSlices(bytes, 0, DETECT_PREFIX_CHARS)].join(''));
  return [{ name: fileName, rows: csvRows(bytes, fileName, delimiter) }];
}

async function* csvRows(bytes: Uint8Array, fileName: string, delimiter: string): AsyncGenerator<SheetRow> {
  const source = Readable.from(decodedSlices(bytes));
  const parser = source.pipe(parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, max_record_size: MAX_RECORD_CHARS }));
  source.on('error', (error) => parser.destroy(error));
  let line = 1;
  let count = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (++count > LIMITS.maxRows) throw new RejectedFileError(ingestError('SHEET_TOO_LARGE', {}, { limit: `${LIMITS.maxRows} dòng / rows` }));
      if (record.length > LIMITS.maxColumns) throw new RejectedFileError(ingestError('SHEET_TOO_LARGE', {}, { limit: `${LIMITS.maxColumns} cột / columns` }));
      // Line numbers are counted here: a quoted field may span lines.
      let breaks = 0;
      let empty = true;
      const cells: (string | null)[] = new Array(record.length);
      for (let i = 0; i < record.length; i++) {
        const cell = record[i]!;
        if (cell !== '') empty = false;
        if (cell.includes('\n')) breaks += cell.split('\n').length - 1;
        cells[i] = cell === '' ? null : cell;
      }
      if (!empty) yield { number: line, cells };
      line += 1 + breaks;
    }
  } catch (error) {
    if (error instanceof RejectedFileError) throw error;
    const e = error as { code?: string; lines?: number; message?: string };
    if (e.code === 'CSV_MAX_RECORD_SIZE') {
      throw new RejectedFileError(ingestError('CSV_LINE_TOO_LONG', { sheet: fileName }, { limit: MAX_RECORD_CHARS.toLocaleString('vi-VN'), line: e.lines ?? 1 }));
    }
    throw new RejectedFileError(ingestError('CSV_MALFORMED', { sheet: fileName }, { detail: e.message ?? String(error) }));
  } finally {
    source.destroy();
    parser.destroy();
  }
}
