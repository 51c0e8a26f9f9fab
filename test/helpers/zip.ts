import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Size to write in the headers, where a test wants them to lie. */
  declaredSize?: number;
  /** What the local header alone says, where a test wants it to disagree with the central directory. */
  local?: { name?: string; method?: number; crc?: number; size?: number };
}

/** A minimal zip writer (deflate, no zip64), for packages no honest writer would make. */
export function buildZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const localName = Buffer.from(entry.local?.name ?? entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const size = entry.declaredSize ?? entry.data.length;
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(entry.local?.method ?? 8, 8);
    local.writeUInt32LE(entry.local?.crc ?? crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.local?.size ?? size, 22);
    local.writeUInt16LE(localName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, localName, compressed);
    centrals.push(central, name);
    offset += local.length + localName.length + compressed.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

/** The parts of a zip package, in the order they are stored. */
export async function readZip(bytes: Buffer): Promise<ZipEntry[]> {
  const { default: yauzl } = await import('yauzl');
  const zip = await new Promise<import('yauzl').ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z!))));
  const entries: ZipEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: import('yauzl').Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => { entries.push({ name: entry.fileName, data: Buffer.concat(chunks) }); zip.readEntry(); });
      });
    });
    zip.readEntry();
  });
  return entries;
}

/** The same package with its parts stored in another order (writers differ: openpyxl puts the workbook part last). */
export async function reorderZip(bytes: Buffer, first: (name: string) => boolean, last: (name: string) => boolean): Promise<Buffer> {
  const entries = await readZip(bytes);
  return buildZip([...entries.filter((e) => first(e.name)), ...entries.filter((e) => !first(e.name) && !last(e.name)), ...entries.filter((e) => !first(e.name) && last(e.name))]);
}
