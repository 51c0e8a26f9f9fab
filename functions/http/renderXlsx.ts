import type { Table } from 'apache-arrow';
import ExcelJS from 'exceljs';
import type { SavedQuery } from '../domain/queries/savedQueries.ts';
import { toRows } from './tableRows.ts';

/** A result as an Excel workbook: the rows with Vietnamese headers, and a sheet saying what it is. Loaded lazily (see lazy.ts). */
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
