import { randomBytes } from 'node:crypto';
import { accessKeys, isAccessId } from '../domain/access/accessKeys.ts';
import type { LinkRecord, LinkRegistry } from '../domain/access/signedLinks.ts';
import {
  checkToken, hashToken, issueToken, newSessionId, SESSION_DAYS, sessionState,
  type AccessCheck, type Principal, type SessionRecord, type TokenCheck, type TokenRecord,
} from '../domain/access/tokens.ts';
import { lakeKeys } from '../domain/lakeKeys.ts';
import { ObjectExistsError, type ObjectStore } from '../ports/ObjectStore.ts';

async function readJson<T>(store: ObjectStore, key: string): Promise<T | null> {
  const bytes = await store.get(key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : null;
}

/** Writes a record that must never change (a revocation): of two racing writers the first stands. */
async function putOnce(store: ObjectStore, key: string, value: unknown): Promise<void> {
  try {
    await store.put(key, JSON.stringify(value, null, 2), { ifAbsent: true });
  } catch (error) {
    if (!(error instanceof ObjectExistsError)) throw error;
  }
}

/** Reads many small objects a few at a time: a list of hundreds neither crawls nor floods the store. */
async function mapLimited<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of store.list(prefix)) if (o.key.endsWith('.json')) keys.push(o.key);
  return keys;
}

const HOUR = 3_600_000;

/** A token as `chiso token list` shows it. */
export interface TokenStatus extends TokenRecord {
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface TokenStore extends AccessCheck {
  /** Every token's record, for names on pages; cached briefly, and never what lets anyone in. */
  records(): Promise<TokenRecord[]>;
  /** Makes a token and keeps only its hash; the token is returned once. */
  issue(principal: Omit<Principal, 'id'> & { email?: string | null; replaces?: string | null }, options?: { expiresInDays?: number }): Promise<string>;
  /** A token's record by its id (legacy ones too); null when there is none. */
  find(id: string): Promise<TokenRecord | null>;
  /**
   * Changes what an administrator may change on a record (suspended, expiry, deleted, sessions
   * ended): the record is rewritten whole, so the next request is judged by it.
   */
  update(id: string, change: Pick<Partial<TokenRecord>, 'suspended_at' | 'expires_at' | 'deleted_at' | 'sessions_after'>): Promise<TokenStatus | null>;
  /** A new code for the same holder, unit and role; the old one is revoked first (it stops at once). */
  reissue(id: string, options?: { expiresInDays?: number }): Promise<{ token: string; record: TokenRecord } | null>;
  /** Revokes a token by its id (the first revocation stands); null when there is none. */
  revoke(id: string): Promise<TokenStatus | null>;
  /** Every token with its revocation and last use, oldest first. */
  list(): Promise<TokenStatus[]>;
  /** The installation's own analyst token, made on first use and again once it no longer works (local: printed at start). */
  localAnalyst(): Promise<string>;
}

/**
 * Tokens' hashes (never the tokens) as one object each, state/tokens/<sha256>.json, in the object
 * store (a folder locally, the lake bucket on AWS): checking a code is a GET by its hash, always
 * fresh, so a revoked or expired code stops at the next request. Revocations, last uses and
 * sign-in sessions are objects of their own, so no write ever replaces another's.
 */
export function createTokenStore(store: ObjectStore, options: { ttlMs?: number; now?: () => Date } = {}): TokenStore {
  const ttlMs = options.ttlMs ?? 30_000;
  const now = options.now ?? (() => new Date());
  let cached: { at: number; records: TokenRecord[] } | null = null;
  // The old whole file is frozen (nothing writes it any more): reading it now and then is enough.
  let legacy: { at: number; records: TokenRecord[] } | null = null;
  /** When this process last knew each token's use to be recorded: a request writes at most once an hour. */
  const usedNoted = new Map<string, number>();

  async function legacyRecords(): Promise<TokenRecord[]> {
    if (!legacy || Date.now() - legacy.at > ttlMs) legacy = { at: Date.now(), records: (await readJson<TokenRecord[]>(store, accessKeys.legacyTokens)) ?? [] };
    return legacy.records;
  }

  async function bySha(sha256: string): Promise<TokenCheck> {
    const [own, revoked] = await Promise.all([
      readJson<TokenRecord>(store, accessKeys.token(sha256)),
      readJson<{ revoked_at: string }>(store, accessKeys.tokenRevoked(sha256)),
    ]);
    const record = own ?? (await legacyRecords()).find((r) => r.sha256 === sha256) ?? null;
    return checkToken(record, revoked?.revoked_at ?? null, now());
  }

  /** Last use, to the hour: a failed write costs the record of a use, never the request. */
  async function noteUse(sha256: string): Promise<void> {
    const at = now().getTime();
    if (at - (usedNoted.get(sha256) ?? -Infinity) < HOUR) return;
    try {
      const stored = await readJson<{ last_used_at: string }>(store, accessKeys.tokenUsed(sha256));
      const last = stored ? Date.parse(stored.last_used_at) : -Infinity;
      if (at - last < HOUR) {
        usedNoted.set(sha256, last);
        return;
      }
      usedNoted.set(sha256, at);
      await store.put(accessKeys.tokenUsed(sha256), JSON.stringify({ last_used_at: new Date(at).toISOString() }));
    } catch (error) {
      console.warn('last use not recorded / không ghi được lần dùng cuối:', (error as Error).message);
    }
  }

  async function used(check: TokenCheck): Promise<TokenCheck> {
    if (check.kind === 'valid') await noteUse(check.record.sha256);
    return check;
  }

  async function allRecords(): Promise<TokenRecord[]> {
    const own = (await mapLimited(await keysUnder(store, accessKeys.tokensPrefix), 16, (k) => readJson<TokenRecord>(store, k)))
      .filter((r): r is TokenRecord => r !== null);
    const seen = new Set(own.map((r) => r.sha256));
    return [...(await legacyRecords()).filter((r) => !seen.has(r.sha256)), ...own]
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async function statusOf(r: TokenRecord): Promise<TokenStatus> {
    const [revoked, use] = await Promise.all([
      readJson<{ revoked_at: string }>(store, accessKeys.tokenRevoked(r.sha256)),
      readJson<{ last_used_at: string }>(store, accessKeys.tokenUsed(r.sha256)),
    ]);
    return { ...r, expires_at: r.expires_at ?? null, revoked_at: revoked?.revoked_at ?? null, last_used_at: use?.last_used_at ?? null };
  }

  async function recordById(id: string): Promise<TokenRecord | null> {
    if (!isAccessId(id)) return null;
    const pointer = await readJson<{ sha256: string }>(store, accessKeys.tokenId(id));
    return (pointer && (await readJson<TokenRecord>(store, accessKeys.token(pointer.sha256))))
      ?? (await legacyRecords()).find((r) => r.id === id) ?? null;
  }

  const self: TokenStore = {
    async records() {
      if (!cached || Date.now() - cached.at > ttlMs) cached = { at: Date.now(), records: await allRecords() };
      return cached.records;
    },
    async issue(principal, { expiresInDays } = {}) {
      const { token, record } = issueToken(principal, now(), expiresInDays);
      // The pointer first: a token that exists can always be found by its id.
      await store.put(accessKeys.tokenId(record.id), JSON.stringify({ sha256: record.sha256 }), { ifAbsent: true });
      await store.put(accessKeys.token(record.sha256), JSON.stringify(record, null, 2), { ifAbsent: true });
      cached = null;
      return token;
    },
    async revoke(id) {
      const record = await recordById(id);
      if (!record) return null;
      await putOnce(store, accessKeys.tokenRevoked(record.sha256), { id, revoked_at: now().toISOString() });
      return statusOf(record);
    },
    find: recordById,
    async update(id, change) {
      const record = await recordById(id);
      if (!record) return null;
      // A legacy record gets its own object now: the frozen whole file is never written.
      const next: TokenRecord = { ...record, ...change };
      await store.put(accessKeys.token(record.sha256), JSON.stringify(next, null, 2));
      if (!(await store.get(accessKeys.tokenId(id)))) await store.put(accessKeys.tokenId(id), JSON.stringify({ sha256: record.sha256 }));
      cached = null;
      return statusOf(next);
    },
    async reissue(id, options = {}) {
      const record = await recordById(id);
      if (!record) return null;
      await putOnce(store, accessKeys.tokenRevoked(record.sha256), { id, revoked_at: now().toISOString() });
      const token = await self.issue({ name: record.name, role: record.role, unit: record.unit, email: record.email ?? null, replaces: record.id }, options);
      const fresh = await bySha(hashToken(token));
      return fresh.kind === 'valid' ? { token, record: fresh.record } : null;
    },
    async list() {
      return mapLimited(await allRecords(), 16, statusOf);
    },
    async token(token) {
      return used(await bySha(hashToken(token)));
    },
    async session(id) {
      const key = accessKeys.session(hashToken(id));
      const session = await readJson<SessionRecord>(store, key);
      if (!session) return { kind: 'unknown' };
      const check = await bySha(session.token_sha256);
      const at = now();
      const state = sessionState(session, at, check.kind === 'unknown' ? null : check.record.sessions_after);
      if (state === 'ended') {
        await store.delete(key);
        return { kind: 'unknown' };
      }
      if (state === 'touch' && check.kind === 'valid') await store.put(key, JSON.stringify({ ...session, seen_at: at.toISOString() }, null, 2));
      return used(check);
    },
    async closeAllSessions(id) {
      const session = await readJson<SessionRecord>(store, accessKeys.session(hashToken(id)));
      if (!session) return;
      await self.update(session.token_id, { sessions_after: new Date(now().getTime() + 1).toISOString() });
      await store.delete(accessKeys.session(hashToken(id)));
    },
    async openSession(record) {
      const id = newSessionId();
      const at = now();
      const session: SessionRecord = {
        token_id: record.id, token_sha256: record.sha256, created_at: at.toISOString(), seen_at: at.toISOString(),
        expires_at: new Date(at.getTime() + SESSION_DAYS * 86_400_000).toISOString(),
      };
      await store.put(accessKeys.session(hashToken(id)), JSON.stringify(session, null, 2), { ifAbsent: true });
      return { id, maxAgeSeconds: SESSION_DAYS * 86_400 };
    },
    async closeSession(id) {
      await store.delete(accessKeys.session(hashToken(id)));
    },
    async localAnalyst() {
      const kept = await store.get(lakeKeys.localAnalystToken);
      if (kept) {
        const token = Buffer.from(kept).toString('utf8').trim();
        if ((await bySha(hashToken(token))).kind === 'valid') return token;
      }
      const token = await self.issue({ name: 'local analyst', role: 'analyst', unit: null });
      await store.put(lakeKeys.localAnalystToken, `${token}\n`);
      return token;
    },
  };
  return self;
}

/**
 * Leaders' links, one object each under their maker (state/links/<by>/<id>.json), and their
 * revocations, one object each written once (state/links-revoked/<id>.json): a revoke racing a
 * new link can no longer be lost. The old whole file, state/links.json, is still read.
 */
export class StoreLinkRegistry implements LinkRegistry {
  constructor(private readonly store: ObjectStore) {}

  private async legacy(): Promise<LinkRecord[]> {
    return (await readJson<LinkRecord[]>(this.store, accessKeys.legacyLinks)) ?? [];
  }

  async listBy(by: string): Promise<LinkRecord[]> {
    const own = (await mapLimited(await keysUnder(this.store, accessKeys.linksBy(by)), 16, (k) => readJson<LinkRecord>(this.store, k)))
      .filter((l): l is LinkRecord => l !== null);
    const seen = new Set(own.map((l) => l.id));
    const all = [...(await this.legacy()).filter((l) => l.by === by && !seen.has(l.id)), ...own];
    const revoked = await mapLimited(all, 16, (l) => readJson<{ revoked_at: string }>(this.store, accessKeys.linkRevoked(l.id)));
    return all
      .map((l, i) => ({ ...l, revoked_at: revoked[i]?.revoked_at ?? l.revoked_at ?? null }))
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async add(record: LinkRecord): Promise<void> {
    await this.store.put(accessKeys.link(record.by, record.id), JSON.stringify({ ...record, revoked_at: null }, null, 2), { ifAbsent: true });
  }

  async revoke(by: string, id: string, at: Date): Promise<LinkRecord | null> {
    if (!isAccessId(id)) return null;
    const link = (await readJson<LinkRecord>(this.store, accessKeys.link(by, id))) ?? (await this.legacy()).find((l) => l.id === id && l.by === by);
    if (!link) return null;
    await putOnce(this.store, accessKeys.linkRevoked(id), { id, by, revoked_at: at.toISOString() });
    return { ...link, revoked_at: await this.revokedAt(id) };
  }

  async revokedAt(id: string): Promise<string | null> {
    const revoked = await readJson<{ revoked_at: string }>(this.store, accessKeys.linkRevoked(id));
    if (revoked) return revoked.revoked_at;
    return (await this.legacy()).find((l) => l.id === id)?.revoked_at ?? null;
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
