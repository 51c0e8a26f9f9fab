import { crc32, deflateSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';

/** Real evidence files, made as an office makes them: a PDF by pdfkit, a PNG by hand (valid chunks), an .xlsx by exceljs. */
export async function realPdf(text = 'Quyết định 12/QĐ-UBND'): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  doc.text(text.normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** An RGB PNG of `width`×`height` from its filtered rows (each row: a filter byte, then RGB), deflated at `level`. */
export function pngOf(width: number, height: number, rows: Buffer, level = 6): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level })), chunk('IEND', Buffer.alloc(0))]);
}

/** A 4×4 PNG of one colour. */
export function realPng(): Buffer {
  return pngOf(4, 4, Buffer.concat(Array.from({ length: 4 }, () => Buffer.from([0, ...Array.from({ length: 4 }, () => [200, 30, 30]).flat()]))));
}

export async function realXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Danh sách').addRows([['STT', 'Hồ sơ'], [1, 'Hồ sơ trực tuyến tháng 9']]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A Windows program's first bytes ("MZ", then the DOS stub): what a renamed .exe starts with. */
export const fakeExe = () => Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120, 0), Buffer.from('This program cannot be run in DOS mode.', 'latin1')]);
export const fakeHtml = () => Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>', 'utf8');
