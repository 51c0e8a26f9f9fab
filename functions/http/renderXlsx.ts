import type { Table } from 'apache-arrow';
import ExcelJS from 'exceljs';
import type { SavedQuery } from '../domain/queries/savedQueries.ts';
import { headerOf, humanValue, ISO_INSTANT, MEASURED, percentColumn, type ExportOptions } from './exportCells.ts';
import { toRows, type Plain } from './tableRows.ts';

/** Number formats Excel shows in any locale's own separators: a share to one decimal, counts grouped. */
const FORMATS = { percent: '0.0"%"', count: '#,##0', decimal: '#,##0.0#', date: 'dd/mm/yyyy', time: 'dd/mm/yyyy hh:mm' } as const;

/** The API's and the CLI's workbook: Vietnamese headers (as it always had), raw values. */
const API_DEFAULT: ExportOptions = { headers: 'vi', human: false };

/** "2025-06-14" or "2025-06-14 09:30" (local) as the Date Excel stores for it (a serial day, no zone). */
function excelDate(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(text);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0))) : null;
}

/**
 * A result as an Excel workbook: a header row (frozen, filterable), the rows with number formats
 * (shares to one decimal, counts grouped), columns as wide as their text, and a sheet saying what
 * it is. Numbers stay the exact values of the API; a page's download (opts.human) also writes
 * yes/no as Có/Không and dates as dates. Loaded lazily (see lazy.ts).
 */
export async function toXlsx(table: Table, query: SavedQuery, params: Record<string, unknown>, opts: ExportOptions = API_DEFAULT): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'chiso';
  const sheet = workbook.addWorksheet(query.name.slice(0, 31));
  const names = table.schema.fields.map((f) => f.name);
  const headers = names.map((n) => headerOf(query, n, opts.headers));
  const header = sheet.addRow(headers);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'top' };
  const rows = toRows(table);
  const integral = names.map((n) => rows.every((r) => typeof r[n] !== 'number' || Number.isInteger(r[n])));
  const percent = names.map((n) => percentColumn(query, n));
  const widths = headers.map((h) => Math.min(30, h.length));
  const formatOf = (row: Record<string, Plain>, i: number, value: unknown): string | undefined => {
    const n = names[i]!;
    if (value instanceof Date) return ISO_INSTANT.test(String(row[n])) || / \d{2}:\d{2}$/.test(String(row[n])) ? FORMATS.time : FORMATS.date;
    if (typeof value !== 'number') return undefined;
    if (MEASURED.has(n) && typeof row.measure === 'string') return row.measure === 'percent' ? FORMATS.percent : FORMATS.count;
    if (percent[i]) return FORMATS.percent;
    return integral[i] ? FORMATS.count : FORMATS.decimal;
  };
  for (const row of rows) {
    const values = names.map((n) => {
      const v = humanValue(row[n] ?? null, n, opts, row);
      // A person's workbook has dates Excel can sort and compute with; the API's keeps its text.
      return opts.human && typeof v === 'string' ? (excelDate(v) ?? v) : v;
    });
    // Strings are written as strings: exceljs never turns them into formulas.
    const added = sheet.addRow(values);
    values.forEach((v, i) => {
      const fmt = formatOf(row, i, v);
      if (fmt) added.getCell(i + 1).numFmt = fmt;
      const shown = v instanceof Date ? fmt!.length : typeof v === 'number' ? new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(v).length + (fmt === FORMATS.percent ? 1 : 0) : v === null ? 0 : String(v).length;
      widths[i] = Math.max(widths[i]!, Math.min(60, shown));
    });
  }
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  if (rows.length) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: names.length } };
  // A little room for the filter button; long headers wrap rather than widen a column of short numbers.
  widths.forEach((w, i) => { sheet.getColumn(i + 1).width = Math.max(8, w + 3); });
  const about = workbook.addWorksheet('Thông tin');
  about.addRows([
    ['Truy vấn / Query', query.name],
    ['Tiêu đề / Title', `${query.title.vi} / ${query.title.en}`],
    ...Object.entries(params).map(([k, v]) => [`Tham số / Parameter ${k}`, String(v)]),
    ['Cột / Columns', names.join(', ')],
  ]);
  about.getColumn(1).width = 26;
  about.getColumn(2).width = 60;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
