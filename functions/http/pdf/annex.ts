import ExcelJS from 'exceljs';
import { annexModel, groupTable, type AnnexInput, type AnnexModel } from './annexModel.ts';
import { createPdf, drawMottoHeader, drawTable, pdfBytes, type PdfColumn } from './pdfDocument.ts';

/**
 * The decision's annex as the province issues it, in PDF and in Excel: A4, the national motto,
 * the issuing body, "Phụ lục kèm theo Quyết định số …", one table per ranking group, points with
 * two decimals, the units not ranked below with their reason. Loaded lazily (lazy.ts).
 */

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'];
const heading = (i: number, title: string) => `${ROMAN[i] ?? i + 1}. ${title}`;
const notRankedHeading = (model: AnnexModel) => heading(model.groups.length, 'Các đơn vị không xếp hạng');

export async function annexPdf(input: AnnexInput, created?: Date): Promise<Uint8Array> {
  const model = annexModel(input);
  const widest = Math.max(0, ...model.groups.map((g) => g.criteria.length));
  const doc = createPdf({ title: `${model.caption}${model.draft ? ' (dự thảo)' : ''}`, landscape: widest > 4, created });
  drawMottoHeader(doc, { issuer: model.issuer, placeAndDate: model.placeAndDate });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  if (model.draft) doc.font('bold').fontSize(11).fillColor('#a00').text('DỰ THẢO', left, doc.y, { width, align: 'center' }).fillColor('#000');
  doc.font('bold').fontSize(13).text(model.title, left, doc.y, { width, align: 'center' });
  doc.font('bold').fontSize(11).text(model.subtitle, { width, align: 'center' });
  doc.font('italic').fontSize(10).text(`(${model.caption})`, { width, align: 'center' });
  doc.moveDown(0.8);
  model.groups.forEach((group, i) => {
    const { header, rows } = groupTable(group);
    doc.font('bold').fontSize(11).text(heading(i, group.title), left, doc.y, { width });
    doc.moveDown(0.3);
    const columns: PdfColumn[] = header.map((h, c) => ({ header: h, weight: c === 1 ? 4 : c === 0 ? 1.8 : 1.4, align: c === 1 ? 'left' : c === 0 ? 'center' : 'right' }));
    drawTable(doc, columns, rows);
  });
  if (model.notRanked.length) {
    doc.font('bold').fontSize(11).text(notRankedHeading(model), left, doc.y, { width });
    doc.moveDown(0.3);
    drawTable(doc, [
      { header: 'STT', weight: 0.8, align: 'center' }, { header: 'Tên đơn vị', weight: 4 }, { header: 'Lý do', weight: 5 },
    ], model.notRanked.map((u, i) => [String(i + 1), u.name, u.reason]));
  }
  return pdfBytes(doc);
}

/** The same annex as a workbook: one sheet, A4, numbers kept as numbers shown with two decimals. */
export async function annexXlsx(input: AnnexInput): Promise<Uint8Array> {
  const model = annexModel(input);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'chiso';
  const sheet = workbook.addWorksheet('Phụ lục', {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const widest = Math.max(3, ...model.groups.map((g) => 3 + g.criteria.length));
  const line = (text: string, font: Partial<ExcelJS.Font>, align: ExcelJS.Alignment['horizontal'] = 'center') => {
    const row = sheet.addRow([text]);
    sheet.mergeCells(row.number, 1, row.number, widest);
    row.getCell(1).font = font;
    row.getCell(1).alignment = { horizontal: align, wrapText: true };
    return row;
  };
  line(model.issuer.toLocaleUpperCase('vi'), { bold: true });
  line('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true });
  line('Độc lập - Tự do - Hạnh phúc', { bold: true, underline: true });
  line(model.placeAndDate, { italic: true }, 'right');
  sheet.addRow([]);
  if (model.draft) line('DỰ THẢO', { bold: true, color: { argb: 'FFAA0000' } });
  line(model.title, { bold: true, size: 13 });
  line(model.subtitle, { bold: true });
  line(`(${model.caption})`, { italic: true });
  const border: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
  const table = (header: string[], rows: (string | number | null)[][], numeric: (c: number) => boolean) => {
    const head = sheet.addRow(header);
    head.eachCell((cell) => { cell.font = { bold: true }; cell.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' }; cell.border = border; });
    for (const cells of rows) {
      const row = sheet.addRow(cells);
      for (let c = 1; c <= header.length; c++) {
        const cell = row.getCell(c);
        cell.border = border;
        cell.alignment = { wrapText: true, vertical: 'top' };
        // Numbers stay numbers; Excel and LibreOffice show them with the reader's decimal comma.
        if (numeric(c - 1) && typeof cell.value === 'number') cell.numFmt = '#,##0.00';
      }
    }
  };
  model.groups.forEach((group, i) => {
    sheet.addRow([]);
    line(heading(i, group.title), { bold: true }, 'left');
    const { header } = groupTable(group);
    table(header, group.rows.map((r) => [r.rank, r.name, r.total, ...r.criteria]), (c) => c >= 2);
  });
  if (model.notRanked.length) {
    sheet.addRow([]);
    line(notRankedHeading(model), { bold: true }, 'left');
    table(['STT', 'Tên đơn vị', 'Lý do'], model.notRanked.map((u, i) => [i + 1, u.name, u.reason]), () => false);
  }
  sheet.getColumn(1).width = 10;
  sheet.getColumn(2).width = 38;
  for (let c = 3; c <= widest; c++) sheet.getColumn(c).width = 14;
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
