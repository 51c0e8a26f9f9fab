import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LinkRecord, LinkRegistry } from '../query/signedLinks.ts';

const SECRET = 'state/link-secret';
const REGISTRY = 'state/links.json';

/** The key that signs leaders' links, made once per data folder and readable only by its owner. */
export async function localLinkSecret(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, SECRET);
  try {
    return Buffer.from((await readFile(path, 'utf8')).trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, secret.toString('hex'), { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await chmod(path, 0o600);
  return Buffer.from((await readFile(path, 'utf8')).trim(), 'hex');
}

/** Links made, in the data folder; replaced whole on each change (one writer: this server). */
export class LocalLinkRegistry implements LinkRegistry {
  constructor(private readonly dataDir: string) {}

  async list(): Promise<LinkRecord[]> {
    try {
      return JSON.parse(await readFile(join(this.dataDir, REGISTRY), 'utf8')) as LinkRecord[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async save(records: LinkRecord[]): Promise<void> {
    const path = join(this.dataDir, REGISTRY);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.tmp-${process.pid}`;
    await writeFile(temp, JSON.stringify(records, null, 2), { mode: 0o600 });
    await rename(temp, path);
  }
}
