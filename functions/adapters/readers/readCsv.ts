import { parse } from 'csv-parse/sync';
import { ingestError, RejectedFileError } from '../../domain/ingest/errors.ts';
import type { SheetSource } from '../../domain/ingest/extractSubmission.ts';
import type { SheetRow } from '../../domain/types.ts';
import { LIMITS } from '../../domain/limits.ts';

/** UTF-8 with or without BOM, UTF-16 with BOM; anything else is refused with how to save it. */
export function decodeCsv(bytes: Uint8Array): string {
  const b = bytes;
  try {
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(3));
    if (b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true }).decode(b.subarray(2));
    if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true }).decode(b.subarray(2));
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
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
      records = parse(sample, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, max_record_size: MAX_RECORD_CHARS }) as string[][];
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

/** A CSV file is one sheet, named after the file. */
export function readCsv(bytes: Uint8Array, fileName: string): SheetSource[] {
  const text = decodeCsv(bytes);
  const delimiter = detectDelimiter(text);
  const rows: SheetRow[] = [];
  let line = 1;
  let count = 0;
  try {
    // Each record becomes a row as it is parsed (csv-parse keeps nothing when on_record returns
    // null): the file's records are never all held twice. Plain arrays are several times faster
    // than csv-parse's per-record info; line numbers are counted here (a quoted field may span lines).
    parse(text, {
      delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, max_record_size: MAX_RECORD_CHARS,
      on_record: (record: string[]) => {
        if (++count > LIMITS.maxRows) throw new RejectedFileError(ingestError('SHEET_TOO_LARGE', {}, { limit: `${LIMITS.maxRows} dòng / rows` }));
        if (record.length > LIMITS.maxColumns) throw new RejectedFileError(ingestError('SHEET_TOO_LARGE', {}, { limit: `${LIMITS.maxColumns} cột / columns` }));
        let breaks = 0;
        let empty = true;
        const cells: (string | null)[] = new Array(record.length);
        for (let i = 0; i < record.length; i++) {
          const cell = record[i]!;
          if (cell !== '') empty = false;
          if (cell.includes('\n')) breaks += cell.split('\n').length - 1;
          cells[i] = cell === '' ? null : cell;
        }
        if (!empty) rows.push({ number: line, cells });
        line += 1 + breaks;
        return null;
      },
    });
  } catch (error) {
    if (error instanceof RejectedFileError) throw error;
    const e = error as { code?: string; lines?: number; message?: string };
    if (e.code === 'CSV_MAX_RECORD_SIZE') {
      throw new RejectedFileError(ingestError('CSV_LINE_TOO_LONG', { sheet: fileName }, { limit: MAX_RECORD_CHARS.toLocaleString('vi-VN'), line: e.lines ?? 1 }));
    }
    throw new RejectedFileError(ingestError('CSV_MALFORMED', { sheet: fileName }, { detail: e.message ?? String(error) }));
  }
  return [{ name: fileName, rows }];
}
