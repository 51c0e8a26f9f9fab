import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { assetPath, FONT_FILES, FONT_PACKAGE } from '../../adapters/files/assets.ts';

/**
 * PDFs built on the server without a browser (so the query function can make them): A4, a font
 * made for Vietnamese (Be Vietnam Pro, SIL Open Font Licence) embedded, the state's motto header
 * of an administrative document, and tables that keep their header on every page. Used by the
 * leader's PDF, the accounts' sign-in sheets and the decision's annex.
 */

type FontName = keyof typeof FONT_FILES;

/** A Lambda bundle carries the fonts in fonts/ beside it (infra/ChisoStack.ts); from source, the npm package. */
export function fontPath(name: FontName): string {
  const { file, packageDir } = FONT_FILES[name];
  const bundled = assetPath('fonts', file);
  if (existsSync(bundled)) return bundled;
  return createRequire(import.meta.url).resolve(`${FONT_PACKAGE}/${packageDir}/${file}`);
}

export interface PdfOptions {
  landscape?: boolean;
  title: string;
  author?: string;
  /** Fixed for reproducible files in tests; now otherwise. */
  created?: Date;
}

export type Pdf = PDFKit.PDFDocument;

export function createPdf(options: PdfOptions): Pdf {
  const doc = new PDFDocument({
    size: 'A4',
    layout: options.landscape === false ? 'portrait' : 'landscape',
    margins: { top: 36, bottom: 36, left: 40, right: 40 },
    // The embedded font from the start: pdfkit would otherwise open Helvetica's metrics from its own folder.
    font: fontPath('regular'),
    bufferPages: true,
    info: { Title: options.title, Author: options.author ?? 'chiso', Creator: 'chiso', CreationDate: options.created ?? new Date() },
    lang: 'vi-VN',
  } as PDFKit.PDFDocumentOptions);
  for (const name of Object.keys(FONT_FILES) as FontName[]) doc.registerFont(name, fontPath(name));
  doc.font('regular');
  return doc;
}

/** The whole file; pdfkit streams into memory (a leader's PDF or an annex is a few hundred KB). */
export function pdfBytes(doc: Pdf): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    doc.end();
  });
}

export interface MottoHeader {
  /** The issuing body, upper case on the left (e.g. "UBND TỈNH PHÚ THỌ"). */
  issuer: string;
  /** Below the issuer, e.g. a document number "Số: 469/QĐ-UBND"; optional. */
  reference?: string;
  /** "Phú Thọ, ngày 4 tháng 12 năm 2026". */
  placeAndDate: string;
}

/** "ngày 4 tháng 12 năm 2026" as administrative documents write a date. */
export function vietnameseDocumentDate(isoDate: string): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number);
  return `ngày ${d} tháng ${m} năm ${y}`;
}

/** The national motto header: issuer on the left, the motto on the right, the place and date under it. */
export function drawMottoHeader(doc: Pdf, header: MottoHeader): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const top = doc.y;
  const leftWidth = width * 0.4;
  const rightX = left + width * 0.42;
  const rightWidth = width * 0.58;
  doc.font('bold').fontSize(10).text(header.issuer.toLocaleUpperCase('vi'), left, top, { width: leftWidth, align: 'center' });
  if (header.reference) doc.font('regular').fontSize(10).text(header.reference, left, doc.y + 4, { width: leftWidth, align: 'center' });
  const leftBottom = doc.y;
  doc.font('bold').fontSize(10).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', rightX, top, { width: rightWidth, align: 'center' });
  doc.font('bold').fontSize(10.5).text('Độc lập - Tự do - Hạnh phúc', rightX, doc.y + 1, { width: rightWidth, align: 'center', underline: true });
  doc.font('italic').fontSize(10).text(header.placeAndDate, rightX, doc.y + 6, { width: rightWidth, align: 'center' });
  doc.font('regular').fontSize(10);
  doc.x = left;
  doc.y = Math.max(leftBottom, doc.y) + 14;
}

export interface PdfColumn {
  header: string;
  /** A share of the table's width; the widths are scaled to fill the page. */
  weight: number;
  align?: 'left' | 'right' | 'center';
}

export interface PdfTableOptions {
  fontSize?: number;
  /** Rows drawn bold (totals, a group's heading). */
  boldRows?: ReadonlySet<number>;
}

/**
 * A table across the page's width: every column inside it (widths from weights), text wrapped
 * in its cell, the header drawn again at the top of each new page.
 */
export function drawTable(doc: Pdf, columns: readonly PdfColumn[], rows: readonly (readonly string[])[], options: PdfTableOptions = {}): void {
  const fontSize = options.fontSize ?? 9;
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const total = columns.reduce((sum, c) => sum + c.weight, 0);
  const widths = columns.map((c) => (c.weight / total) * width);
  const pad = 3;
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  const rowHeight = (cells: readonly string[], font: string) => {
    doc.font(font).fontSize(fontSize);
    return Math.max(...cells.map((text, i) => doc.heightOfString(text || ' ', { width: widths[i] - 2 * pad }))) + 2 * pad;
  };
  const drawRow = (cells: readonly string[], y: number, height: number, font: string, fill?: string) => {
    let x = left;
    for (let i = 0; i < columns.length; i++) {
      if (fill) doc.save().rect(x, y, widths[i], height).fill(fill).restore();
      doc.lineWidth(0.5).strokeColor('#555').rect(x, y, widths[i], height).stroke();
      doc.fillColor('#000').font(font).fontSize(fontSize)
        .text(cells[i] ?? '', x + pad, y + pad, { width: widths[i] - 2 * pad, align: columns[i].align ?? 'left' });
      x += widths[i];
    }
  };
  const header = columns.map((c) => c.header);
  const headerHeight = rowHeight(header, 'bold');
  let y = doc.y;
  const drawHeader = () => { drawRow(header, y, headerHeight, 'bold', '#e8e8e8'); y += headerHeight; };
  if (y + headerHeight + rowHeight(rows[0] ?? header, 'regular') > bottom()) { doc.addPage(); y = doc.page.margins.top; }
  drawHeader();
  rows.forEach((cells, index) => {
    const font = options.boldRows?.has(index) ? 'bold' : 'regular';
    const height = rowHeight(cells, font);
    if (y + height > bottom()) {
      doc.addPage();
      y = doc.page.margins.top;
      drawHeader();
    }
    drawRow(cells, y, height, font);
    y += height;
  });
  doc.font('regular').fontSize(10);
  doc.x = left;
  doc.y = y + 10;
}
