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
