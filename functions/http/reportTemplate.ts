import ExcelJS from 'exceljs';
import type { Indicator, Unit } from '../domain/types.ts';
import { writeTitleBlock } from './templateTitle.ts';

/** Where the table starts in a template: the rows above hold the title block. */
export const TEMPLATE_HEADER_ROW = 7;

/**
 * A unit's report template for a period, as an .xlsx a clerk fills in Excel or LibreOffice: the
 * national motto and title, the unit and period filled in, one row per indicator its type
 * reports. Counts are whole numbers ≥ 0, the share is computed from them by a formula, yes/no
 * indicators take Có/Không from a list; labels are locked, only the cells to fill are open.
 * chiso reads it back as a form (one unit, one period, a row per indicator). Loaded lazily
 * (http/lazy.ts): it pulls exceljs's writer.
 */
export async function reportTemplate(unit: Unit, period: string, indicators: Indicator[], options: { deadline?: string | null } = {}): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'chiso';
  const sheet = book.addWorksheet('Báo cáo', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  sheet.columns = [{ width: 6 }, { width: 64 }, { width: 12 }, { width: 12 }, { width: 16 }, { width: 30 }];
  const center = { horizontal: 'center', vertical: 'middle', wrapText: true } as const;
  writeTitleBlock(sheet, 'BÁO CÁO CHỈ SỐ CHUYỂN ĐỔI SỐ', unit, period, options.deadline);
  const header = sheet.getRow(TEMPLATE_HEADER_ROW);
  header.values = ['STT', 'Chỉ tiêu', 'Tử số', 'Mẫu số', 'Kết quả', 'Ghi chú'];
  header.font = { bold: true };
  header.alignment = center;
  const open = { locked: false };
  indicators.forEach((indicator, i) => {
    const r = TEMPLATE_HEADER_ROW + 1 + i;
    const row = sheet.getRow(r);
    row.getCell(1).value = i + 1;
    row.getCell(2).value = indicator.nameVi;
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    const [num, den, result, note] = [row.getCell(3), row.getCell(4), row.getCell(5), row.getCell(6)];
    note.protection = open;
    if (indicator.measure === 'boolean') {
      result.protection = open;
      result.dataValidation = { type: 'list', allowBlank: true, formulae: ['"Có,Không"'], showErrorMessage: true, errorTitle: 'Có / Không', error: 'Chọn Có hoặc Không (hoặc Rút để rút giá trị đã báo cáo).' };
      for (const c of [num, den]) c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEEEEE' } };
    } else if (indicator.measure === 'count') {
      // A count (meetings in the year): one whole number in the result column.
      result.protection = open;
      result.numFmt = '#,##0';
      result.dataValidation = { type: 'whole', operator: 'greaterThanOrEqual', formulae: [0], allowBlank: true, showErrorMessage: true, errorTitle: 'Số nguyên', error: 'Nhập số lần (số nguyên không âm).' };
      for (const c of [num, den]) c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEEEEE' } };
    } else {
      // What each count is, where it is typed (a note on the cell) and under the table.
      num.note = `Tử số: ${indicator.numeratorVi}`;
      den.note = `Mẫu số: ${indicator.denominatorVi}`;
      for (const c of [num, den]) {
        c.protection = open;
        c.numFmt = '#,##0';
        c.dataValidation = { type: 'whole', operator: 'greaterThanOrEqual', formulae: [0], allowBlank: true, showErrorMessage: true, errorTitle: 'Số nguyên', error: 'Nhập số nguyên không âm.' };
      }
      // The share, computed: the clerk fills the counts only.
      result.value = { formula: `IF(AND(ISNUMBER(C${r}),ISNUMBER(D${r}),D${r}>0),ROUND(C${r}/D${r}*100,1),"")`, result: '' } as ExcelJS.CellFormulaValue;
      result.numFmt = '0.0';
      result.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF6F8FA' } };
    }
  });
  const end = TEMPLATE_HEADER_ROW + indicators.length;
  for (let r = TEMPLATE_HEADER_ROW; r <= end; r++) {
    for (let c = 1; c <= 6; c++) sheet.getCell(r, c).border = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
  }
  sheet.getCell(end + 2, 2).value = 'Để rút một giá trị đã báo cáo, ghi "Rút" vào ô Tử số (hoặc Kết quả).';
  sheet.getCell(end + 2, 2).font = { italic: true, size: 10 };
  // What each numerator and denominator counts, by row number (STT): the clerk fills counts, not shares.
  const defined = indicators.map((indicator, i) => ({ indicator, stt: i + 1 })).filter(({ indicator }) => indicator.measure === 'percent' && indicator.numeratorVi);
  if (defined.length) {
    sheet.getCell(end + 4, 2).value = 'Cách tính các tỷ lệ (Kết quả = Tử số / Mẫu số × 100):';
    sheet.getCell(end + 4, 2).font = { bold: true, size: 10 };
    defined.forEach(({ indicator, stt }, k) => {
      const cell = sheet.getCell(end + 5 + k, 2);
      cell.value = `(${stt}) ${indicator.shortNameVi} — Tử số: ${indicator.numeratorVi}; Mẫu số: ${indicator.denominatorVi}.`;
      cell.font = { size: 10 };
      cell.alignment = { wrapText: true, vertical: 'top' };
    });
  }
  sheet.views = [{ state: 'frozen', ySplit: TEMPLATE_HEADER_ROW }];
  await sheet.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true });
  return Buffer.from(await book.xlsx.writeBuffer());
}
