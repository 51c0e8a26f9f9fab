import { tableToIPC, type Table } from 'apache-arrow';
import ExcelJS from 'exceljs';
import type { SavedQuery } from '../domain/queries/savedQueries.ts';

export type Format = 'json' | 'csv' | 'xlsx' | 'arrow';
export const FORMATS: Format[] = ['json', 'csv', 'xlsx', 'arrow'];

export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  arrow: 'application/vnd.apache.arrow.stream',
};

type Plain = string | number | boolean | null;

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

export async function toXlsx(table: Table, query: SavedQuery, params: Record<string, unknown>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'chiso';
  const sheet = workbook.addWorksheet(query.name.slice(0, 31));
  const names = table.schema.fields.map((f) => f.name);
  const labels = new Map(query.columns.map((c) => [c.name, c.vi]));
  sheet.addRow(names.map((n) => labels.get(n) ?? n)).font = { bold: true };
  for (const row of toRows(table)) {
    // Strings are written as strings: exceljs never turns them into formulas.
    sheet.addRow(names.map((n) => row[n]));
  }
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  names.forEach((n, i) => { sheet.getColumn(i + 1).width = Math.min(50, Math.max(10, (labels.get(n) ?? n).length + 2)); });
  const about = workbook.addWorksheet('Thông tin');
  about.addRows([
    ['Truy vấn / Query', query.name],
    ['Tiêu đề / Title', `${query.title.vi} / ${query.title.en}`],
    ...Object.entries(params).map(([k, v]) => [`Tham số / Parameter ${k}`, String(v)]),
    ['Cột / Columns', names.join(', ')],
  ]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function toArrow(table: Table): Uint8Array {
  return tableToIPC(table, 'stream');
}

/** A result in one of the API's formats. */
export async function renderFormat(format: Format, table: Table, query: SavedQuery, params: Record<string, unknown>): Promise<Uint8Array | string> {
  switch (format) {
    case 'json': return JSON.stringify(toRows(table));
    case 'csv': return toCsv(table);
    case 'xlsx': return new Uint8Array(await toXlsx(table, query, params));
    case 'arrow': return toArrow(table);
  }
}
