import { randomBytes } from 'node:crypto';
import { issueToken, type Principal, type TokenRecord } from '../domain/access/tokens.ts';
import type { LinkRecord, LinkRegistry } from '../domain/access/signedLinks.ts';
import { lakeKeys } from '../domain/lakeKeys.ts';
import { ObjectExistsError, type ObjectStore } from '../ports/ObjectStore.ts';

async function readJson<T>(store: ObjectStore, key: string, fallback: T): Promise<T> {
  const bytes = await store.get(key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : fallback;
}

export interface TokenStore {
  records(): Promise<TokenRecord[]>;
  /** Makes a token and keeps only its hash; the token is returned once. */
  issue(principal: Omit<Principal, 'id'>, now?: Date): Promise<string>;
  /** The installation's own analyst token, made on first use (local: printed at start). */
  localAnalyst(): Promise<string>;
}

/**
 * Token hashes (never the tokens) in state/tokens.json of the object store: a folder locally,
 * the lake bucket on AWS. Read at most every `ttlMs`: every request asks for them.
 */
export function createTokenStore(store: ObjectStore, options: { ttlMs?: number; now?: () => number } = {}): TokenStore {
  const ttlMs = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; records: TokenRecord[] } | null = null;
  const self: TokenStore = {
    async records() {
      if (!cached || now() - cached.at > ttlMs) cached = { at: now(), records: await readJson<TokenRecord[]>(store, lakeKeys.tokens, []) };
      return cached.records;
    },
    async issue(principal, at = new Date()) {
      const { token, record } = issueToken(principal, at);
      const records = await readJson<TokenRecord[]>(store, lakeKeys.tokens, []);
      await store.put(lakeKeys.tokens, JSON.stringify([...records, record], null, 2));
      cached = null;
      return token;
    },
    async localAnalyst() {
      const kept = await store.get(lakeKeys.localAnalystToken);
      if (kept) return Buffer.from(kept).toString('utf8').trim();
      const token = await self.issue({ name: 'local analyst', role: 'analyst', unit: null });
      await store.put(lakeKeys.localAnalystToken, `${token}\n`);
      return token;
    },
  };
  return self;
}

/** Links made and revoked, in state/links.json; replaced whole on each change. */
export class StoreLinkRegistry implements LinkRegistry {
  constructor(private readonly store: ObjectStore) {}
  list(): Promise<LinkRecord[]> {
    return readJson<LinkRecord[]>(this.store, lakeKeys.links, []);
  }
  async save(records: LinkRecord[]): Promise<void> {
    await this.store.put(lakeKeys.links, JSON.stringify(records, null, 2));
  }
}

/** The key that signs leaders' links, made once per store (the first writer wins a race). */
export async function storedLinkSecret(store: ObjectStore): Promise<Buffer> {
  const kept = await store.get(lakeKeys.linkSecret);
  if (kept) return Buffer.from(Buffer.from(kept).toString('utf8').trim(), 'hex');
  try {
    await store.put(lakeKeys.linkSecret, randomBytes(32).toString('hex'), { ifAbsent: true });
  } catch (error) {
    if (!(error instanceof ObjectExistsError)) throw error;
  }
  return storedLinkSecret(store);
}
