import type ExcelJS from 'exceljs';
import type { Unit } from '../domain/types.ts';
import { periodLabelVi } from '../domain/registry/periods.ts';

/**
 * The title block every template a unit fills opens with: the national motto, the form's name,
 * then "Đơn vị: …" and "Kỳ báo cáo: …" as the ingest reads them, and the deadline by the
 * province's calendar written as people write a date (never read as a period).
 */
export function writeTitleBlock(sheet: ExcelJS.Worksheet, heading: string, unit: Unit, period: string, deadline?: string | null): void {
  const width = sheet.columns.length;
  const title = (row: number, text: string, size: number) => {
    sheet.mergeCells(row, 1, row, width);
    const cell = sheet.getCell(row, 1);
    cell.value = text;
    cell.font = { bold: true, size };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  };
  title(1, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 12);
  title(2, 'Độc lập - Tự do - Hạnh phúc', 11);
  title(3, heading, 14);
  sheet.getCell(4, 1).value = `Đơn vị: ${unit.nameVi}`;
  sheet.getCell(5, 1).value = `Kỳ báo cáo: ${periodLabelVi(period)}`;
  if (deadline) {
    const [y, m, d] = deadline.split('-');
    sheet.getCell(6, 1).value = `Hạn nộp: ${d}/${m}/${y}`;
    sheet.getCell(6, 1).font = { bold: true };
  }
}
