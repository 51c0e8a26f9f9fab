import { encode } from 'uqr';
import { createPdf, pdfBytes, type Pdf } from './pdfDocument.ts';

/** One account's sheet: handed to its holder, the only place its code is written down. */
export interface AccountSheet {
  unitName: string;
  unitCode: string | null;
  holder: string;
  role: string;
  /** The sign-in address with the code in it (what the QR holds). */
  signInUrl: string;
  /** The sign-in page's plain address, to type if the QR cannot be read. */
  loginUrl: string;
  code: string;
  expires: string;
}

const ROLE_VI: Record<string, string> = { staff: 'Cán bộ nhập báo cáo', head: 'Lãnh đạo đơn vị (duyệt báo cáo)', analyst: 'Chuyên viên phân tích', admin: 'Quản trị viên', appraiser: 'Thẩm định', machine: 'Tài khoản máy' };

/** The QR as dark squares on white, with the 4-module quiet zone readers need. */
function drawQr(doc: Pdf, text: string, x: number, y: number, side: number): void {
  const qr = encode(text, { ecc: 'M', border: 4 });
  const cell = side / qr.size;
  doc.save().rect(x, y, side, side).fill('#ffffff');
  for (let row = 0; row < qr.size; row++) {
    for (let col = 0; col < qr.size; col++) {
      // Slightly larger squares: no hairline gaps between neighbours in a rasteriser.
      if (qr.data[row]![col]) doc.rect(x + col * cell, y + row * cell, cell + 0.02, cell + 0.02);
    }
  }
  doc.fill('#000000').restore();
}

/**
 * The accounts' sign-in sheets: one A4 page each (unit, holder, where to sign in, the code and
 * its QR, what to do first), to print and hand out or send one page per unit.
 */
export async function accountSheetsPdf(sheets: readonly AccountSheet[], created?: Date): Promise<Uint8Array> {
  const doc = createPdf({ title: 'Phiếu tài khoản chiso', landscape: false, created });
  sheets.forEach((s, i) => {
    if (i > 0) doc.addPage();
    const left = doc.page.margins.left;
    const width = doc.page.width - left - doc.page.margins.right;
    doc.font('bold').fontSize(18).text('PHIẾU TÀI KHOẢN HỆ THỐNG BÁO CÁO CHỈ SỐ CHUYỂN ĐỔI SỐ', left, 60, { width, align: 'center' });
    doc.moveDown(1.2);
    doc.font('regular').fontSize(13);
    const line = (label: string, value: string) => {
      doc.font('regular').text(`${label}: `, { continued: true }).font('bold').text(value);
      doc.moveDown(0.3);
    };
    line('Đơn vị', s.unitName + (s.unitCode ? ` (${s.unitCode})` : ''));
    line('Người giữ tài khoản', s.holder);
    line('Vai trò', ROLE_VI[s.role] ?? s.role);
    line('Mã có hiệu lực đến', s.expires);
    line('Địa chỉ đăng nhập', s.loginUrl);
    doc.moveDown(0.6);
    const qrSide = 200;
    const qrTop = doc.y;
    drawQr(doc, s.signInUrl, left + (width - qrSide) / 2, qrTop, qrSide);
    doc.y = qrTop + qrSide + 10;
    doc.font('regular').fontSize(11).text('Quét mã QR bằng điện thoại hoặc mở địa chỉ đăng nhập rồi dán mã dưới đây:', left, doc.y, { width, align: 'center' });
    doc.moveDown(0.4);
    doc.font('bold').fontSize(12).text(s.code, left, doc.y, { width, align: 'center' });
    doc.moveDown(1.2);
    doc.font('bold').fontSize(13).text('Việc cần làm trước tiên', left, doc.y, { width });
    doc.font('regular').fontSize(12);
    const steps = s.role === 'head'
      ? ['Đăng nhập bằng mã QR hoặc mã trên phiếu.', 'Mở trang "Duyệt báo cáo" để xem các báo cáo của đơn vị đang chờ duyệt.', 'Giữ phiếu này kín: ai có mã đều đăng nhập được. Mất phiếu, hãy báo quản trị viên để cấp lại mã.']
      : ['Đăng nhập bằng mã QR hoặc mã trên phiếu.', 'Tải mẫu báo cáo của kỳ đang đến hạn, điền số liệu và gửi tệp ngay trên trang.', 'Giữ phiếu này kín: ai có mã đều đăng nhập được. Mất phiếu, hãy báo quản trị viên để cấp lại mã.'];
    steps.forEach((t, n) => doc.text(`${n + 1}. ${t}`, left, doc.y, { width }));
  });
  return pdfBytes(doc);
}
