import { tableToIPC, type Table } from 'apache-arrow';
import { lazy } from './lazy.ts';
import { machineCsv, toJsonBytes, toRows, type Plain } from './tableRows.ts';
import type { SavedQuery } from '../domain/queries/savedQueries.ts';
import { headerOf, humanValue, MACHINE, type ExportOptions } from './exportCells.ts';

export { MACHINE, pageExportOptions, type ExportOptions } from './exportCells.ts';

export type Format = 'json' | 'csv' | 'xlsx' | 'arrow';
export const FORMATS: Format[] = ['json', 'csv', 'xlsx', 'arrow'];

export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  arrow: 'application/vnd.apache.arrow.stream',
};

export { toRows } from './tableRows.ts';

/** A cell Excel would run as a formula (=, +, -, @, or a leading tab/CR) is kept as text. */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvCell(value: Plain, opts: ExportOptions = MACHINE): string {
  if (value === null) return '';
  let text: string;
  if (typeof value === 'string') text = neutralizeFormula(value);
  else if (typeof value === 'number') {
    // People read a share to two decimals at most (96,97, not 96.974169742); the API keeps every digit.
    text = String(opts.human && !Number.isInteger(value) ? Math.round(value * 100) / 100 : value);
    if (opts.excelVi) text = text.replace('.', ',');
  } else text = String(value);
  return (opts.excelVi ? /[";\n\r]/ : /[",\n\r]/).test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * UTF-8 with BOM and CRLF: what Excel opens with correct Vietnamese by double-click. By default
 * (the API, the CLI) the machine's column names and values; a page's download passes its query
 * and options for its labels and people's values, and `excelVi` for Excel set to Vietnamese
 * (a semicolon between cells, a decimal comma), which reads "96.97" as a date or text otherwise.
 */
export function toCsv(table: Table, query?: SavedQuery, opts: ExportOptions = MACHINE): string {
  return !query && opts === MACHINE ? machineCsv(table).toString('utf8') : rowsCsv(table, query, opts);
}

/** toCsv from rows as plain objects: every option; the machines' CSV (machineCsv) is the same bytes. */
export function rowsCsv(table: Table, query?: SavedQuery, opts: ExportOptions = MACHINE): string {
  const names = table.schema.fields.map((f) => f.name);
  const sep = opts.excelVi ? ';' : ',';
  const lines = [names.map((n) => csvCell(query ? headerOf(query, n, opts.headers) : n, opts)).join(sep)];
  for (const row of toRows(table)) lines.push(names.map((n) => csvCell(humanValue(row[n] ?? null, n, opts, row), opts)).join(sep));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export function toArrow(table: Table): Uint8Array {
  return tableToIPC(table, 'stream');
}

/** A result in one of the API's formats. */
export async function renderFormat(format: Format, table: Table, query: SavedQuery, params: Record<string, unknown>): Promise<Uint8Array | string> {
  switch (format) {
    case 'json': return toJsonBytes(table);
    case 'csv': return machineCsv(table);
    case 'xlsx': return new Uint8Array(await (await lazy.xlsx()).toXlsx(table, query, params));
    case 'arrow': return toArrow(table);
  }
}
