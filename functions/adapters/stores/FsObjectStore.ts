import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, link, unlink, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ObjectExistsError, type ObjectStore } from '../../ports/ObjectStore.ts';

/** The object store on a local folder, laid out as the buckets are. */
export class FsObjectStore implements ObjectStore {
  readonly root: string;
  /** Folders known to exist: a lake write makes thousands of files in few folders. */
  private readonly folders = new Set<string>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Local path of a key; refuses keys that would leave the root. */
  pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (path !== this.root && !path.startsWith(this.root + sep)) throw new Error(`key leaves the store: ${key}`);
    return path;
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async put(key: string, body: Uint8Array | string, options: { ifAbsent?: boolean } = {}): Promise<void> {
    const path = this.pathOf(key);
    const folder = dirname(path);
    if (!this.folders.has(folder)) {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      this.folders.add(folder);
    }
    // Written beside its final name, flushed, then moved in one step: never half an object.
    const temp = join(folder, `.tmp-${randomBytes(6).toString('hex')}`);
    const handle = await open(temp, 'wx', 0o600); // the data folder holds tokens' hashes and the link key
    try {
      await handle.writeFile(body);
      await handle.sync();
    } catch (error) {
      // A full disk: the half-written temporary file goes, not only the promise.
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await handle.close();
    try {
      if (options.ifAbsent) {
        // link() fails when the name exists, where rename() would replace it.
        await link(temp, path).catch((error: NodeJS.ErrnoException) => {
          throw error.code === 'EEXIST' ? new ObjectExistsError(key) : error;
        });
      } else {
        await rename(temp, path);
        return;
      }
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  async delete(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number; modified?: Date }> {
    const start = this.pathOf(prefix.endsWith('/') || prefix === '' ? prefix : dirname(prefix));
    yield* this.walk(start, prefix);
  }

  private async *walk(dir: string, prefix: string): AsyncIterable<{ key: string; size: number; modified?: Date }> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith('.tmp-')) continue;
      const path = join(dir, entry.name);
      const key = relative(this.root, path).split(sep).join('/');
      if (entry.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(key + '/')) yield* this.walk(path, prefix);
      } else if (key.startsWith(prefix)) {
        const info = await stat(path);
        yield { key, size: info.size, modified: info.mtime };
      }
    }
  }
}
