import type { LinkRecord, LinkRegistry } from '../query/signedLinks.ts';
import type { TokenRecord } from '../query/tokens.ts';
import type { ObjectStore } from './ObjectStore.ts';

const TOKENS = 'state/tokens.json';
const LINKS = 'state/links.json';

async function readJson<T>(store: ObjectStore, key: string, fallback: T): Promise<T> {
  const bytes = await store.get(key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : fallback;
}

/** Token hashes kept in the lake bucket's state/ (never the tokens), read at most every `ttlMs`. */
export function storeTokens(store: ObjectStore, ttlMs = 30_000, now = Date.now) {
  let cached: { at: number; records: TokenRecord[] } | null = null;
  return {
    records: async (): Promise<TokenRecord[]> => {
      if (!cached || now() - cached.at > ttlMs) cached = { at: now(), records: await readJson<TokenRecord[]>(store, TOKENS, []) };
      return cached.records;
    },
    add: async (record: TokenRecord): Promise<void> => {
      const records = await readJson<TokenRecord[]>(store, TOKENS, []);
      await store.put(TOKENS, JSON.stringify([...records, record], null, 2));
      cached = null;
    },
  };
}

/** Links made, in the lake bucket's state/. */
export class StoreLinkRegistry implements LinkRegistry {
  constructor(private readonly store: ObjectStore) {}
  list(): Promise<LinkRecord[]> {
    return readJson<LinkRecord[]>(this.store, LINKS, []);
  }
  async save(records: LinkRecord[]): Promise<void> {
    await this.store.put(LINKS, JSON.stringify(records, null, 2));
  }
}
