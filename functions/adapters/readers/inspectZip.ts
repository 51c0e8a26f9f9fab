import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { ingestError, RejectedFileError } from '../../domain/ingest/errors.ts';
import { LIMITS } from '../../domain/limits.ts';

const REQUIRED_PARTS = ['[Content_Types].xml', 'xl/workbook.xml'];

/**
 * Checks an .xlsx package before any XML parser sees it: a real workbook, not encrypted, not
 * macro-enabled, small when expanded, and read the same way by every program. Every part is
 * inflated once, counted and its CRC checked, because a zip's own size fields can lie; yauzl
 * stops a part that inflates beyond what it declared.
 */
export async function inspectXlsxZip(bytes: Buffer, limits = LIMITS): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, z) =>
      err ? reject(corrupt(err)) : resolve(z!));
  });
  const seen = new Set<string>();
  let declared = 0;
  let inflated = 0;
  let contentTypes = '';
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (err) => reject(corrupt(err)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        if (seen.size >= limits.maxZipEntries) return reject(bomb(`> ${limits.maxZipEntries} parts`));
        // Part names are case-insensitive (OPC): two spellings of one name are two answers to "which part?".
        const partKey = entry.fileName.replace(/^\//, '').toLowerCase();
        if (seen.has(partKey)) return reject(readTwoWays(`${entry.fileName}: hai phần cùng tên / two parts of the same name`));
        seen.add(partKey);
        if ((entry.generalPurposeBitFlag & 1) !== 0) return reject(new RejectedFileError(ingestError('FORMAT_ENCRYPTED')));
        if (/(^|\/)vbaproject\.bin$/.test(partKey)) return reject(macros());
        const mismatch = localHeaderMismatch(bytes, entry);
        if (mismatch) return reject(readTwoWays(`${entry.fileName}: ${mismatch}`));
        declared += entry.uncompressedSize;
        if (declared > limits.maxUnzippedBytes) return reject(bomb(`> ${mb(limits.maxUnzippedBytes)}`));
        const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
        if (entry.uncompressedSize > 1024 * 1024 && ratio > limits.maxCompressionRatio) {
          return reject(bomb(`${entry.fileName}: ${Math.round(ratio)}:1`));
        }
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(corrupt(err ?? new Error('unreadable part')));
          let crc = 0;
          const isContentTypes = partKey === '[content_types].xml';
          stream.on('data', (chunk: Buffer) => {
            inflated += chunk.length;
            crc = crc32(chunk, crc);
            if (isContentTypes && contentTypes.length < 1_000_000) contentTypes += chunk.toString('latin1');
            if (inflated > limits.maxUnzippedBytes) stream.destroy(bomb(`> ${mb(limits.maxUnzippedBytes)}`));
          });
          stream.on('error', (e) => reject(e instanceof RejectedFileError ? e : corrupt(e)));
          stream.on('end', () => {
            if (crc !== entry.crc32) return reject(readTwoWays(`${entry.fileName}: CRC`));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  const missing = REQUIRED_PARTS.filter((p) => !seen.has(p.toLowerCase()));
  if (missing.length) throw corrupt(new Error(`not an Excel workbook: no ${missing.join(', ')}`));
  if (/macroEnabled/i.test(contentTypes)) throw macros();
}

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;

/**
 * What a part's local header says that its central-directory entry does not: name, compression
 * method, CRC or sizes. yauzl reads the directory; a program that streams the zip reads the local
 * headers; a package where the two differ shows different sheets to different programs.
 */
function localHeaderMismatch(bytes: Buffer, entry: yauzl.Entry): string | null {
  const at = entry.relativeOffsetOfLocalHeader;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL_HEADER) return 'no local header';
  const flags = bytes.readUInt16LE(at + 6);
  const nameLength = bytes.readUInt16LE(at + 26);
  const extraLength = bytes.readUInt16LE(at + 28);
  const dataStart = at + 30 + nameLength + extraLength;
  if (dataStart > bytes.length) return 'local header truncated';
  if (!bytes.subarray(at + 30, at + 30 + nameLength).equals(entry.fileNameRaw)) return 'tên / name';
  if (bytes.readUInt16LE(at + 8) !== entry.compressionMethod) return 'phương thức nén / compression method';
  const zip64 = zip64Sizes(bytes.subarray(at + 30 + nameLength, dataStart));
  let crc = bytes.readUInt32LE(at + 14);
  let compressed: number = bytes.readUInt32LE(at + 18);
  let size: number = bytes.readUInt32LE(at + 22);
  if (zip64) [size, compressed] = [size === 0xffffffff ? zip64.size : size, compressed === 0xffffffff ? zip64.compressed : compressed];
  if (flags & 0x08) {
    // Written while streaming (Excel, LibreOffice): CRC and sizes follow the data, in a data descriptor.
    let d = dataStart + entry.compressedSize;
    if (d + 4 <= bytes.length && bytes.readUInt32LE(d) === DATA_DESCRIPTOR) d += 4;
    const wide = zip64 !== null;
    if (d + (wide ? 20 : 12) > bytes.length) return 'data descriptor truncated';
    crc = bytes.readUInt32LE(d);
    compressed = wide ? Number(bytes.readBigUInt64LE(d + 4)) : bytes.readUInt32LE(d + 4);
    size = wide ? Number(bytes.readBigUInt64LE(d + 12)) : bytes.readUInt32LE(d + 8);
  }
  if (crc !== entry.crc32) return 'CRC';
  if (compressed !== entry.compressedSize || size !== entry.uncompressedSize) return 'kích thước / sizes';
  return null;
}

/** The zip64 extra field of a local header: both sizes, uncompressed first. */
function zip64Sizes(extra: Buffer): { size: number; compressed: number } | null {
  for (let i = 0; i + 4 <= extra.length;) {
    const id = extra.readUInt16LE(i);
    const length = extra.readUInt16LE(i + 2);
    if (id === 0x0001 && length >= 16 && i + 20 <= extra.length) {
      return { size: Number(extra.readBigUInt64LE(i + 4)), compressed: Number(extra.readBigUInt64LE(i + 12)) };
    }
    i += 4 + length;
  }
  return null;
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
const bomb = (detail: string) => new RejectedFileError(ingestError('FILE_BOMB', {}, { detail }));
const corrupt = (err: Error) => new RejectedFileError(ingestError('FILE_CORRUPT', {}, { detail: err.message }));
const readTwoWays = (detail: string) => new RejectedFileError(ingestError('FILE_AMBIGUOUS', {}, { detail }));
const macros = () => new RejectedFileError(ingestError('FORMAT_XLSM'));
