import { tableToIPC, type Table } from 'apache-arrow';
import { lazy } from './lazy.ts';
import { toJsonBytes, toRows, type Plain } from './tableRows.ts';
import type { SavedQuery } from '../domain/queries/savedQueries.ts';

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

function csvCell(value: Plain): string {
  if (value === null) return '';
  const text = typeof value === 'string' ? neutralizeFormula(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** UTF-8 with BOM and CRLF: what Excel opens with correct Vietnamese by double-click. */
export function toCsv(table: Table): string {
  const names = table.schema.fields.map((f) => f.name);
  const lines = [names.map(csvCell).join(',')];
  for (const row of toRows(table)) lines.push(names.map((n) => csvCell(row[n] ?? null)).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export function toArrow(table: Table): Uint8Array {
  return tableToIPC(table, 'stream');
}

/** A result in one of the API's formats. */
export async function renderFormat(format: Format, table: Table, query: SavedQuery, params: Record<string, unknown>): Promise<Uint8Array | string> {
  switch (format) {
    case 'json': return toJsonBytes(table);
    case 'csv': return toCsv(table);
    case 'xlsx': return new Uint8Array(await (await lazy.xlsx()).toXlsx(table, query, params));
    case 'arrow': return toArrow(table);
  }
}
