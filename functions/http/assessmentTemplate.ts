import ExcelJS from 'exceljs';
import type { FrameworkComponent, Indicator, Unit } from '../domain/types.ts';
import { writeTitleBlock } from './templateTitle.ts';

/** Where the table starts in a self-assessment template: the rows above hold the title block. */
export const ASSESSMENT_HEADER_ROW = 9;

/** The table's headers, as the ingest reads them (detectTable.ts: maxPoints, selfPoints, note; "Cách xác định" is ignored). */
export const ASSESSMENT_HEADERS = ['STT', 'Mã chỉ số', 'Chỉ số thành phần', 'Điểm tối đa', 'Cách xác định', 'Điểm tự chấm', 'Giải trình / tài liệu kiểm chứng'] as const;

const points = (n: number) => new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }).format(n);

/** How a component's points are found, in words a clerk follows ("Theo tỷ lệ: …", "Có/Không: …", "Theo bậc: …"). */
export function ruleInWords(component: FrameworkComponent, indicator?: Indicator): string {
  const max = points(component.maxPoints);
  const unit = indicator?.measure === 'percent' ? '%' : '';
  if (component.rule === 'ratio') return `Theo tỷ lệ: điểm = tỷ lệ đạt (%) × ${max} ÷ 100 (đạt 100% được ${max} điểm).`;
  if (component.rule === 'boolean') return `Có/Không: có được ${max} điểm, không được 0 điểm.`;
  const steps = [...component.steps].sort((a, b) => b.atLeast - a.atLeast);
  const lowest = steps[steps.length - 1];
  return `Theo bậc: ${steps.map((s) => `từ ${points(s.atLeast)}${unit} được ${points(s.points)} điểm`).join('; ')}${lowest ? `; dưới ${points(lowest.atLeast)}${unit} được 0 điểm` : ''}.`;
}

/**
 * A unit's DTI self-assessment template for a period, as an .xlsx a clerk fills in Excel or
 * LibreOffice: the title block (unit, period, deadline, what to do), then a row per component of
 * the framework in force for the unit's type at the period's end, with its maximum points and its
 * rule in words. The clerk fills "Điểm tự chấm" (a decimal from 0 to the maximum, checked by a data
 * validation) and "Giải trình / tài liệu kiểm chứng"; sent on /nop like a report, chiso reads it
 * back as a self-assessment. Nothing is protected: a commune may add its own notes. Loaded lazily
 * (http/lazy.ts): it pulls exceljs's writer.
 */
export async function assessmentTemplate(unit: Unit, period: string, components: readonly FrameworkComponent[], options: { indicators?: readonly Indicator[]; deadline?: string | null } = {}): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'chiso';
  const sheet = book.addWorksheet('Tự chấm điểm', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  sheet.columns = [{ width: 6 }, { width: 11 }, { width: 44 }, { width: 12 }, { width: 40 }, { width: 14 }, { width: 60 }];
  const width = sheet.columns.length;
  const center = { horizontal: 'center', vertical: 'middle', wrapText: true } as const;
  // The unit and period as the ingest reads a title block ("Đơn vị: …", "Kỳ báo cáo: …").
  writeTitleBlock(sheet, 'BẢNG TỰ CHẤM ĐIỂM CHỈ SỐ CHUYỂN ĐỔI SỐ', unit, period, options.deadline);
  sheet.mergeCells(7, 1, 7, width);
  const todo = sheet.getCell(7, 1);
  todo.value = 'Hướng dẫn: ghi điểm đơn vị tự chấm vào cột "Điểm tự chấm" (từ 0 đến điểm tối đa) và giải trình, kèm đúng tên tệp tài liệu kiểm chứng, vào cột "Giải trình / tài liệu kiểm chứng"; '
    + 'gửi tệp này ở trang Nộp báo cáo như một báo cáo, rồi đính kèm các tệp kiểm chứng ở trang Tự chấm điểm chuyển đổi số.';
  todo.alignment = { wrapText: true, vertical: 'top' };
  todo.font = { italic: true, size: 10 };
  sheet.getRow(7).height = 42;

  const header = sheet.getRow(ASSESSMENT_HEADER_ROW);
  header.values = [...ASSESSMENT_HEADERS];
  header.font = { bold: true };
  header.alignment = center;
  header.getCell(7).note = 'Tên tệp ghi ở cột này (ví dụ bao-cao-qlvb.pdf) được đối chiếu với các tệp kiểm chứng đã đính kèm cho chỉ số trên trang Tự chấm điểm: tệp được nêu mà chưa đính kèm sẽ được cảnh báo.';
  const grey = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF6F8FA' } } as const;
  for (let c = 1; c <= width; c++) header.getCell(c).fill = grey;

  const indicatorOf = (code: string) => options.indicators?.find((i) => i.code === code);
  components.forEach((component, i) => {
    const row = sheet.getRow(ASSESSMENT_HEADER_ROW + 1 + i);
    const indicator = indicatorOf(component.indicatorCode);
    row.getCell(1).value = i + 1;
    row.getCell(1).alignment = { horizontal: 'center', vertical: 'top' };
    row.getCell(2).value = component.indicatorCode;
    row.getCell(2).alignment = { vertical: 'top' };
    const name = row.getCell(3);
    name.value = `${indicator?.nameVi ?? component.indicatorCode}\n(Trụ cột: ${component.pillarNameVi})`;
    name.alignment = { wrapText: true, vertical: 'top' };
    const max = row.getCell(4);
    max.value = component.maxPoints;
    max.numFmt = Number.isInteger(component.maxPoints) ? '#,##0' : '#,##0.##';
    max.alignment = { vertical: 'top' };
    const rule = row.getCell(5);
    rule.value = ruleInWords(component, indicator);
    rule.alignment = { wrapText: true, vertical: 'top' };
    const self = row.getCell(6);
    self.dataValidation = {
      type: 'decimal', operator: 'between', formulae: [0, component.maxPoints], allowBlank: true, showErrorMessage: true,
      errorTitle: 'Điểm tự chấm', error: `Nhập số điểm từ 0 đến ${points(component.maxPoints)} (điểm tối đa của chỉ số này).`,
      showInputMessage: true, promptTitle: 'Điểm tự chấm', prompt: `Từ 0 đến ${points(component.maxPoints)} điểm.`,
    };
    self.alignment = { vertical: 'top' };
    const note = row.getCell(7);
    note.alignment = { wrapText: true, vertical: 'top' };
    row.height = 48;
  });
  const end = ASSESSMENT_HEADER_ROW + components.length;
  for (let r = ASSESSMENT_HEADER_ROW; r <= end; r++) {
    for (let c = 1; c <= width; c++) sheet.getCell(r, c).border = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
  }
  sheet.views = [{ state: 'frozen', ySplit: ASSESSMENT_HEADER_ROW }];
  return Buffer.from(await book.xlsx.writeBuffer());
}
