import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { pngOf } from './evidenceFiles.ts';

/**
 * Files past the query function's 6 MB payload cap, made as an office makes them: a scan is mostly
 * one large image that does not compress. The pixels are pseudo-random but fixed (from a seed), so
 * a file is the same in every run.
 */
function noise(bytes: number, seed: string): Buffer {
  const out = Buffer.alloc(bytes);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < bytes; i += block.length) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** A real PNG of about `bytes` bytes (RGB noise, stored without compression). */
export function largePng(bytes: number, seed = 'png'): Buffer {
  const width = 1024;
  const height = Math.max(1, Math.ceil(bytes / (width * 3 + 1)));
  const pixels = noise(height * (width * 3 + 1), seed);
  for (let row = 0; row < height; row++) pixels[row * (width * 3 + 1)] = 0; // filter: none
  return pngOf(width, height, pixels, 0);
}

/** A scanned decision: a PDF of one page holding a large image, about `bytes` bytes. */
export async function largePdf(bytes: number, title = 'Quyet dinh 12/QD-UBND (ban quet)'): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', compress: false });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  doc.text(title);
  doc.image(largePng(bytes, title), { width: 500 });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** A report workbook (the rows given, on its first sheet) with a large picture on it (a scanned signature page): about `bytes` bytes. */
export async function largeReportXlsx(rows: (string | number | null)[][], bytes: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Báo cáo');
  for (const row of rows) sheet.addRow(row);
  const image = workbook.addImage({ buffer: largePng(bytes, 'xlsx') as unknown as ExcelJS.Buffer, extension: 'png' });
  sheet.addImage(image, { tl: { col: 8, row: 1 }, ext: { width: 400, height: 300 } });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
