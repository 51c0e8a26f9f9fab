import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { lakeKeys } from '../ingest/lakeKeys.ts';
import { issueToken, type Principal, type TokenRecord } from '../query/tokens.ts';

/**
 * Tokens of a local installation live in its data folder, readable only by its owner: the
 * hashes of every token, and the local analyst's own token so start-up can print it.
 */
export class LocalTokens {
  /** Re-read only when the file changed: every request asks for the records. */
  private cached: { mtimeMs: number; records: TokenRecord[] } | null = null;

  constructor(private readonly dataDir: string) {}

  private path(key: string) {
    return join(this.dataDir, key);
  }

  async records(): Promise<TokenRecord[]> {
    try {
      const path = this.path(lakeKeys.tokens);
      const { mtimeMs } = await stat(path);
      if (this.cached?.mtimeMs === mtimeMs) return this.cached.records;
      const records = JSON.parse(await readFile(path, 'utf8')) as TokenRecord[];
      this.cached = { mtimeMs, records };
      return records;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async issue(principal: Omit<Principal, 'id'>, now = new Date()): Promise<string> {
    const { token, record } = issueToken(principal, now);
    const records = [...(await this.records()), record];
    await writePrivate(this.path(lakeKeys.tokens), JSON.stringify(records, null, 2));
    this.cached = null;
    return token;
  }

  /** The local analyst's token, made on first start. */
  async localAnalyst(): Promise<string> {
    try {
      return (await readFile(this.path(lakeKeys.localAnalystToken), 'utf8')).trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const token = await this.issue({ name: 'local analyst', role: 'analyst', unit: null });
    await writePrivate(this.path(lakeKeys.localAnalystToken), `${token}\n`);
    return token;
  }
}

async function writePrivate(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
}
