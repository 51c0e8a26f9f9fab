import yauzl from 'yauzl';
import { ACCEPTED_EXTENSIONS, type EvidenceSniff } from '../../domain/evidence.ts';
import { LIMITS } from '../../domain/limits.ts';

/** What a file is, from its first bytes (its name can lie: "báo cáo.xlsx" saved as .xls). */
export type FileFormat = 'xlsx' | 'xlsm' | 'csv' | 'xls' | 'ods' | 'encrypted' | 'unknown';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** "EncryptionInfo" as UTF-16LE: the stream an encrypted OOXML package keeps inside an OLE2 file. */
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');

export function sniffFormat(bytes: Uint8Array, fileName: string): FileFormat {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  if (startsWith(bytes, OLE2)) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(ENCRYPTION_INFO) ? 'encrypted' : 'xls';
  }
  if (startsWith(bytes, ZIP)) {
    // An ODF package starts with an uncompressed "mimetype" entry naming its kind.
    const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 200)).toString('latin1');
    if (head.includes('application/vnd.oasis.opendocument')) return 'ods';
    // Macro-enabled by its name; one renamed .xlsx is found by its parts (see inspectZip.ts).
    if (/^xl[st]m$|^xlam$/.test(ext)) return 'xlsm';
    return 'xlsx';
  }
  if (ext === 'csv' || ext === 'txt' || ext === 'tsv') return 'csv';
  if (ext === 'xls') return 'xls';
  if (ext === 'ods') return 'ods';
  return 'unknown';
}

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
/** The parts an office package must hold to be what it says (OOXML); the `mimetype` an ODF package starts with. */
const OOXML_PARTS: Record<'xlsx' | 'docx', string> = { xlsx: 'xl/workbook.xml', docx: 'word/document.xml' };
const ODF_MIMETYPES: Record<string, 'ods' | 'odt'> = {
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.text': 'odt',
};

const refused = (vi: string, en: string): EvidenceSniff => ({ refused: { vi, en } });
const NOT_ACCEPTED = refused(
  `nội dung không phải là PDF, ảnh PNG/JPEG hay tệp văn phòng (${ACCEPTED_EXTENSIONS.join(', ')}).`,
  `its content is not a PDF, a PNG/JPEG image or an office file (${ACCEPTED_EXTENSIONS.join(', ')}).`,
);

/** The ODF manifest, read only when this small: it says whether the parts are encrypted. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * The part names of a zip package, from its central directory, and the text of an ODF manifest
 * (the one part inflated, and only when small); null when it is no zip.
 */
async function zipPartNames(bytes: Buffer): Promise<{ names: string[]; encrypted: boolean; manifest: string | null } | null> {
  const zip = await new Promise<yauzl.ZipFile | null>((resolve) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, z) => resolve(err ? null : z!));
  });
  if (!zip) return null;
  return new Promise((resolve) => {
    const names: string[] = [];
    let encrypted = false;
    let manifest: string | null = null;
    zip.on('error', () => resolve(null));
    zip.on('end', () => resolve({ names, encrypted, manifest }));
    zip.on('entry', (entry: yauzl.Entry) => {
      if (names.length >= LIMITS.maxZipEntries) { zip.close(); return resolve(null); }
      const name = entry.fileName.replace(/^\//, '');
      names.push(name);
      if ((entry.generalPurposeBitFlag & 1) !== 0) encrypted = true;
      if (name.toLowerCase() !== 'meta-inf/manifest.xml' || entry.uncompressedSize > MAX_MANIFEST_BYTES || encrypted) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return resolve(null);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', () => resolve(null));
        stream.on('end', () => { manifest = Buffer.concat(chunks).toString('utf8'); zip.readEntry(); });
      });
    });
    zip.readEntry();
  });
}

/**
 * What an evidence file is, by its content alone: a PDF (its header, and its end marker near the
 * end), a PNG or JPEG (their signatures), an office package that really holds its office part
 * (an .xlsx its workbook, a .docx its document, an ODF file its mimetype and content), never
 * encrypted nor carrying macros. Anything else (a renamed .exe, an HTML page) is refused.
 */
export async function sniffEvidence(bytes: Uint8Array): Promise<EvidenceSniff> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWith(bytes, PDF)) {
    // A PDF ends with %%EOF (a few bytes of padding may follow): a truncated upload is not one.
    return buffer.subarray(Math.max(0, buffer.byteLength - 1024)).includes('%%EOF')
      ? { kind: 'pdf' }
      : refused('tệp PDF bị cắt cụt hoặc hỏng (không có phần kết thúc).', 'the PDF is truncated or broken (it has no end marker).');
  }
  if (startsWith(bytes, PNG)) return buffer.subarray(12, 16).toString('latin1') === 'IHDR' ? { kind: 'png' } : refused('ảnh PNG bị hỏng.', 'the PNG image is broken.');
  if (startsWith(bytes, JPEG)) return { kind: 'jpeg' };
  if (startsWith(bytes, OLE2)) {
    return refused('tệp Office cũ (.doc, .xls) hoặc tệp có mật khẩu: hãy lưu lại dạng .docx, .xlsx hoặc PDF.', 'an old Office file (.doc, .xls) or a password-protected one: save it as .docx, .xlsx or PDF.');
  }
  if (!startsWith(bytes, ZIP)) return NOT_ACCEPTED;
  const parts = await zipPartNames(buffer);
  if (!parts) return refused('tệp nén bị hỏng.', 'the zip package is broken.');
  if (parts.encrypted) return refused('tệp có mật khẩu: hãy gửi bản không đặt mật khẩu.', 'it is password-protected: send it without a password.');
  const lower = new Set(parts.names.map((n) => n.toLowerCase()));
  if ([...lower].some((n) => /(^|\/)vbaproject\.bin$/.test(n))) return refused('tệp có macro: hãy lưu lại dạng .xlsx/.docx không có macro, hoặc PDF.', 'it carries macros: save it as .xlsx/.docx without macros, or as PDF.');
  if (lower.has('[content_types].xml')) {
    for (const [kind, part] of Object.entries(OOXML_PARTS) as ['xlsx' | 'docx', string][]) if (lower.has(part)) return { kind };
    return NOT_ACCEPTED;
  }
  // An ODF package's first entry is "mimetype", stored uncompressed: its local header (30 bytes) then the name, then the type.
  if (parts.names[0] === 'mimetype' && lower.has('content.xml')) {
    // LibreOffice keeps Basic macros under Basic/ and other scripts under Scripts/; a saved
    // password leaves the parts encrypted, named so in the manifest.
    if ([...lower].some((n) => n.startsWith('basic/') || n.startsWith('scripts/'))) return refused('tệp có macro: hãy lưu lại không có macro, hoặc dạng PDF.', 'it carries macros: save it without macros, or as PDF.');
    if (parts.manifest?.includes('encryption-data')) return refused('tệp có mật khẩu: hãy gửi bản không đặt mật khẩu.', 'it is password-protected: send it without a password.');
    const nameLength = buffer.readUInt16LE(26);
    const extraLength = buffer.readUInt16LE(28);
    const size = buffer.readUInt32LE(18);
    const start = 30 + nameLength + extraLength;
    const kind = ODF_MIMETYPES[buffer.subarray(start, start + Math.min(size, 100)).toString('latin1')];
    if (kind) return { kind };
  }
  return NOT_ACCEPTED;
}
