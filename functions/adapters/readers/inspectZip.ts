import yauzl from 'yauzl';
import { ingestError, RejectedFileError } from '../../domain/ingest/errors.ts';
import { LIMITS } from '../../domain/limits.ts';

const REQUIRED_PARTS = ['[Content_Types].xml', 'xl/workbook.xml'];

/**
 * Checks an .xlsx package before any XML parser sees it: a real workbook, not encrypted, and
 * small when expanded. Every part is inflated once and counted, because a zip's own size fields
 * can lie; yauzl stops a part that inflates beyond what it declared.
 */
export async function inspectXlsxZip(bytes: Buffer, limits = LIMITS): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, z) =>
      err ? reject(corrupt(err)) : resolve(z!));
  });
  const seen = new Set<string>();
  let declared = 0;
  let inflated = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (err) => reject(corrupt(err)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        if (seen.size >= limits.maxZipEntries) return reject(bomb(`> ${limits.maxZipEntries} parts`));
        seen.add(entry.fileName);
        if ((entry.generalPurposeBitFlag & 1) !== 0) return reject(new RejectedFileError(ingestError('FORMAT_ENCRYPTED')));
        declared += entry.uncompressedSize;
        if (declared > limits.maxUnzippedBytes) return reject(bomb(`> ${mb(limits.maxUnzippedBytes)}`));
        const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
        if (entry.uncompressedSize > 1024 * 1024 && ratio > limits.maxCompressionRatio) {
          return reject(bomb(`${entry.fileName}: ${Math.round(ratio)}:1`));
        }
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(corrupt(err ?? new Error('unreadable part')));
          stream.on('data', (chunk: Buffer) => {
            inflated += chunk.length;
            if (inflated > limits.maxUnzippedBytes) stream.destroy(bomb(`> ${mb(limits.maxUnzippedBytes)}`));
          });
          stream.on('error', (e) => reject(e instanceof RejectedFileError ? e : corrupt(e)));
          stream.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  const missing = REQUIRED_PARTS.filter((p) => !seen.has(p));
  if (missing.length) throw corrupt(new Error(`not an Excel workbook: no ${missing.join(', ')}`));
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
const bomb = (detail: string) => new RejectedFileError(ingestError('FILE_BOMB', {}, { detail }));
const corrupt = (err: Error) => new RejectedFileError(ingestError('FILE_CORRUPT', {}, { detail: err.message }));
