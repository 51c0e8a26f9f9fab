import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { ingestError, RejectedFileError } from '../../domain/ingest/errors.ts';
import type { SheetSource } from '../../domain/ingest/extractSubmission.ts';
import type { CellValue, SheetRow } from '../../domain/types.ts';
import { inspectXlsxZip } from './inspectZip.ts';
import { LIMITS } from '../../domain/limits.ts';

/** A number format that shows a fraction as a percent: "0.0%", but not a literal "\%" or "%" in quotes. */
function isPercentFormat(numFmt: string | undefined): boolean {
  return !!numFmt && numFmt.replace(/"[^"]*"|\\./g, '').includes('%');
}

type ExcelCell = { value: unknown; numFmt?: string; text?: string };

interface Converted { value: CellValue; error?: boolean }

function convertValue(raw: unknown): Converted {
  if (raw === null || raw === undefined) return { value: null };
  if (typeof raw === 'number') return Number.isNaN(raw) ? { value: '#NUM!', error: true } : { value: raw };
  if (typeof raw === 'string' || typeof raw === 'boolean' || raw instanceof Date) return { value: raw };
  const v = raw as Record<string, unknown>;
  if ('richText' in v && Array.isArray(v.richText)) return { value: v.richText.map((r: { text?: string }) => r.text ?? '').join('') };
  if ('formula' in v || 'sharedFormula' in v) {
    // The value Excel or LibreOffice last computed and saved; a formula saved without one cannot be trusted.
    if (!('result' in v) || v.result === undefined) return { value: '(công thức chưa tính / formula not calculated)', error: true };
    const result = v.result as unknown;
    if (result && typeof result === 'object' && 'error' in result) return { value: String((result as { error: unknown }).error), error: true };
    return convertValue(result);
  }
  if ('error' in v) return { value: String(v.error), error: true };
  if ('text' in v) return { value: String(v.text) };
  return { value: String(raw) };
}

async function* sheetRows(worksheet: AsyncIterable<{ number: number; eachCell: Function }>, name: string): AsyncGenerator<SheetRow> {
  for await (const row of worksheet) {
    if (row.number > LIMITS.maxRows) {
      throw new RejectedFileError(ingestError('SHEET_TOO_LARGE', { sheet: name }, { limit: `${LIMITS.maxRows} dòng / rows` }));
    }
    const cells: CellValue[] = [];
    let percentColumns: number[] | undefined;
    let errorColumns: number[] | undefined;
    row.eachCell((cell: ExcelCell, col: number) => {
      if (col > LIMITS.maxColumns) {
        throw new RejectedFileError(ingestError('SHEET_TOO_LARGE', { sheet: name }, { limit: `${LIMITS.maxColumns} cột / columns` }));
      }
      const { value, error } = convertValue(cell.value);
      cells[col - 1] = value;
      if (error) (errorColumns ??= []).push(col - 1);
      else if (typeof value === 'number' && isPercentFormat(cell.numFmt)) (percentColumns ??= []).push(col - 1);
    });
    for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
    yield { number: row.number, cells, percentColumns, errorColumns };
  }
}

/**
 * Streams the visible sheets of an .xlsx, a row at a time (exceljs's streaming reader), after
 * the package itself has been checked. Hidden sheets hold lookup lists, not reports.
 */
export async function* readXlsx(bytes: Buffer): AsyncGenerator<SheetSource> {
  await inspectXlsxZip(bytes);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  try {
    for await (const worksheet of reader) {
      const ws = worksheet as unknown as { name?: string; id?: number; state?: string } & AsyncIterable<{ number: number; eachCell: Function }>;
      const name = ws.name ?? `Sheet${ws.id ?? ''}`;
      if (ws.state === 'hidden' || ws.state === 'veryHidden') {
        for await (const _ of ws) { /* drain: the reader must pass over it */ }
        continue;
      }
      yield { name, rows: sheetRows(ws, name) };
    }
  } catch (error) {
    if (error instanceof RejectedFileError) throw error;
    throw new RejectedFileError(ingestError('FILE_CORRUPT', {}, { detail: error instanceof Error ? error.message : String(error) }));
  }
}
