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
export async function mapLimited<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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

/**
 * A token's record as kept: its fields plus its place in the chain of changes. The record at
 * state/tokens/<sha256>.json is version 1 when issued; each change an administrator makes is the
 * next version, written once (ifAbsent) beside it, so of two administrators acting on the same
 * account at once exactly one writes a version and the other re-reads and re-applies its change.
 */
type StoredRecord = TokenRecord & {
  /** Absent in records issued, or changed, before changes were versioned: version 1. */
  version?: number;
  /** The code was re-issued as this account: changes made since go to it. */
  replaced_by?: string | null;
};

// Kept here (not in accessKeys) while only this store reads them.
/** Version n (n ≥ 2) of a token's record: written once, never replaced. */
const versionKey = (sha256: string, version: number) => `state/token-versions/${sha256}/v${version}.json`;
/**
 * The n-th claim of a unit's first account of a role (the bulk creation's): written once, so two
 * bulk creations at once make one account per unit, not two.
 */
const seatsOf = (role: string, unit: string) => `state/unit-seats/${role}/${encodeURIComponent(unit)}/`;
/** A claim whose account is not written yet is being made now, unless older than this (a crash). */
const SEAT_PENDING_MS = 10 * 60_000;

/** A change of an account that kept losing to others' changes: nothing of it was written. */
export class AccountBusyError extends Error {
  readonly vi = 'Tài khoản này đang được người khác thay đổi cùng lúc; thay đổi của bạn chưa được lưu, hãy tải lại trang và thử lại.';
  readonly en = 'Someone else is changing this account at the same moment; your change was not saved: reload the page and try again.';
  constructor(readonly id: string) {
    super('');
    this.message = `${this.vi} / ${this.en}`;
    this.name = 'AccountBusyError';
  }
}

/** What a re-issued code takes from the account it replaces: holder, unit, e-mail, scope, suspension (not its hash, id, dates, chain or sessions). */
function carriedOver(record: StoredRecord): Partial<StoredRecord> {
  const { sha256: _sha, id: _id, created_at: _c, expires_at: _e, version: _v, replaced_by: _r, sessions_after: _s, deleted_at: _d, replaces: _p, ...kept } = record;
  return kept;
}

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
  /** A token's record with its revocation, last use and the account that replaced it, if any. */
  status(id: string): Promise<(TokenStatus & { replaced_by?: string | null }) | null>;
  /**
   * Changes what an administrator may change on a record (suspended, expiry, deleted, sessions
   * ended), as a compare-and-swap: of administrators acting on the account at once none loses
   * its change (AccountBusyError after many lost rounds). On a re-issued account the change goes
   * to the account that replaced it. The next request is judged by the change.
   */
  update(id: string, change: Pick<Partial<TokenRecord>, 'suspended_at' | 'expires_at' | 'deleted_at' | 'sessions_after'>): Promise<TokenStatus | null>;
  /**
   * A new code for the same holder, unit and role (still suspended if it was); the old one is
   * revoked (it stops at once). Null when the account is gone or another administrator has just
   * re-issued it (one new code, never two).
   */
  reissue(id: string, options?: { expiresInDays?: number }): Promise<{ token: string; record: TokenRecord } | null>;
  /** Revokes a token by its id (the first revocation stands); null when there is none. */
  revoke(id: string): Promise<TokenStatus | null>;
  /**
   * A unit's first account of a role (the bulk creation's): null when the unit has one, or another
   * administrator is making it at this very moment.
   */
  issueFirst(principal: Omit<Principal, 'id'> & { unit: string; email?: string | null }, options?: { expiresInDays?: number }): Promise<string | null>;
  /** Every token with its revocation and last use, oldest first. */
  list(): Promise<TokenStatus[]>;
  /** The installation's own analyst token, made on first use and again once it no longer works (local: printed at start). */
  localAnalyst(): Promise<string>;
}

/**
 * Tokens' hashes (never the tokens) as one object each, state/tokens/<sha256>.json, in the object
 * store (a folder locally, the lake bucket on AWS): checking a code is a GET by its hash, always
 * fresh, so a revoked or expired code stops at the next request. Revocations, last uses and
 * sign-in sessions are objects of their own, so no write ever replaces another's; a record's
 * changes are versions written once (StoredRecord), and the record itself a copy of the newest.
 */
export function createTokenStore(store: ObjectStore, options: { ttlMs?: number; now?: () => Date; maxAttempts?: number } = {}): TokenStore {
  const ttlMs = options.ttlMs ?? 30_000;
  // n administrators at once on one account: each loses at most n - 1 rounds.
  const maxAttempts = options.maxAttempts ?? 30;
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
    // Accounts made in one instant (a bulk create) list by name, not by their keys' random order.
    return [...(await legacyRecords()).filter((r) => !seen.has(r.sha256)), ...own]
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  async function statusOf(r: TokenRecord): Promise<TokenStatus> {
    const [revoked, use] = await Promise.all([
      readJson<{ revoked_at: string }>(store, accessKeys.tokenRevoked(r.sha256)),
      readJson<{ last_used_at: string }>(store, accessKeys.tokenUsed(r.sha256)),
    ]);
    return { ...r, expires_at: r.expires_at ?? null, revoked_at: revoked?.revoked_at ?? null, last_used_at: use?.last_used_at ?? null };
  }

  async function recordById(id: string): Promise<StoredRecord | null> {
    if (!isAccessId(id)) return null;
    const pointer = await readJson<{ sha256: string }>(store, accessKeys.tokenId(id));
    return (pointer && (await readJson<StoredRecord>(store, accessKeys.token(pointer.sha256))))
      ?? (await legacyRecords()).find((r) => r.id === id) ?? null;
  }

  /** The versions after `record`, read on until one is missing: the newest. */
  async function newestFrom(sha256: string, record: StoredRecord): Promise<StoredRecord> {
    let latest = record;
    for (;;) {
      const next = await readJson<StoredRecord>(store, versionKey(sha256, (latest.version ?? 1) + 1));
      if (!next) return latest;
      latest = next;
    }
  }

  /** The newest version of a record; a legacy one (the whole file) gets its own object first. */
  async function newest(sha256: string): Promise<StoredRecord | null> {
    let record = await readJson<StoredRecord>(store, accessKeys.token(sha256));
    if (!record) {
      const old = (await legacyRecords()).find((r) => r.sha256 === sha256);
      if (!old) return null;
      await putOnce(store, accessKeys.tokenId(old.id), { sha256 });
      await putOnce(store, accessKeys.token(sha256), old);
      record = (await readJson<StoredRecord>(store, accessKeys.token(sha256))) ?? old;
    }
    return newestFrom(sha256, record);
  }

  /**
   * The record's copy of its newest version, written after each change. Two writers may land out
   * of order; whoever then finds a newer version than it wrote writes again, so once every change
   * has answered the copy is the newest and checking a code stays one GET.
   */
  async function settle(sha256: string, written: StoredRecord): Promise<void> {
    let current = written;
    for (;;) {
      await store.put(accessKeys.token(sha256), JSON.stringify(current, null, 2));
      const newer = await newestFrom(sha256, current);
      if (newer === current) return;
      current = newer;
    }
  }

  /**
   * Compare-and-swap on a record: `change` gets the newest version and returns the next (null:
   * nothing to do); a lost race re-reads and re-applies it, a few times at most.
   */
  async function modify(sha256: string, id: string, change: (latest: StoredRecord) => StoredRecord | null | Promise<StoredRecord | null>): Promise<{ record: StoredRecord; changed: boolean } | null> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const latest = await newest(sha256);
      if (!latest) return null;
      const next = await change(latest);
      if (!next) return { record: latest, changed: false };
      const written: StoredRecord = { ...next, version: (latest.version ?? 1) + 1 };
      try {
        await store.put(versionKey(sha256, written.version!), JSON.stringify(written, null, 2), { ifAbsent: true });
      } catch (error) {
        if (!(error instanceof ObjectExistsError)) throw error;
        // Another administrator's change came first: a short random wait spreads the next round.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt + 1, 5)));
        continue;
      }
      await settle(sha256, written);
      cached = null;
      return { record: written, changed: true };
    }
    throw new AccountBusyError(id);
  }

  /** The account that replaced this one (re-issued), if it was written. */
  async function replacement(record: StoredRecord): Promise<StoredRecord | null> {
    return record.replaced_by ? recordById(record.replaced_by) : null;
  }

  /** Whether a unit's claim stands: its account is being made, or is there and not revoked or deleted. */
  async function seatHeld(seat: { id: string; at: string }): Promise<boolean> {
    let record = await recordById(seat.id);
    if (!record) return now().getTime() - Date.parse(seat.at) < SEAT_PENDING_MS;
    for (let hop = 0; hop < 50; hop++) {
      const next = await replacement(record);
      if (!next) break;
      record = next;
    }
    if (record.deleted_at) return false;
    return !(await readJson(store, accessKeys.tokenRevoked(record.sha256)));
  }

  async function claimSeat(role: string, unit: string, id: string): Promise<boolean> {
    const prefix = seatsOf(role, unit);
    let top = 0;
    for await (const o of store.list(prefix)) {
      const n = Number(/(\d+)\.json$/.exec(o.key)?.[1] ?? 0);
      if (n > top) top = n;
    }
    if (top) {
      const seat = await readJson<{ id: string; at: string }>(store, `${prefix}${top}.json`);
      if (seat && (await seatHeld(seat))) return false;
    }
    try {
      await store.put(`${prefix}${top + 1}.json`, JSON.stringify({ id, at: now().toISOString() }), { ifAbsent: true });
      return true;
    } catch (error) {
      if (error instanceof ObjectExistsError) return false;
      throw error;
    }
  }

  /** Writes a new record: the pointer first, so a token that exists can always be found by its id. */
  async function write(record: TokenRecord): Promise<void> {
    await store.put(accessKeys.tokenId(record.id), JSON.stringify({ sha256: record.sha256 }), { ifAbsent: true });
    await store.put(accessKeys.token(record.sha256), JSON.stringify(record, null, 2), { ifAbsent: true });
    cached = null;
  }

  const self: TokenStore = {
    async records() {
      if (!cached || Date.now() - cached.at > ttlMs) cached = { at: Date.now(), records: await allRecords() };
      return cached.records;
    },
    async issue(principal, { expiresInDays } = {}) {
      const { token, record } = issueToken(principal, now(), expiresInDays);
      await write(record);
      return token;
    },
    async issueFirst(principal, { expiresInDays } = {}) {
      const { token, record } = issueToken(principal, now(), expiresInDays);
      if (!(await claimSeat(principal.role, principal.unit, record.id))) return null;
      await write(record);
      return token;
    },
    async revoke(id) {
      const record = await recordById(id);
      if (!record) return null;
      await putOnce(store, accessKeys.tokenRevoked(record.sha256), { id, revoked_at: now().toISOString() });
      return statusOf(record);
    },
    find: recordById,
    async status(id) {
      const record = await recordById(id);
      return record ? statusOf(record) : null;
    },
    async update(id, change) {
      let record = await recordById(id);
      // Re-issued meanwhile: the change is meant for the account as it is now (a few hops at most).
      for (let hop = 0; record && hop < 50; hop++) {
        // A legacy record gets its own object now: the frozen whole file is never written.
        const result = await modify(record.sha256, record.id, async (latest) => ((await replacement(latest)) ? null : { ...latest, ...change }));
        if (!result) return null;
        if (result.changed) return statusOf(result.record);
        record = await replacement(result.record);
      }
      return null;
    },
    async reissue(id, options = {}) {
      const record = await recordById(id);
      if (!record) return null;
      const fresh = issueToken({ name: record.name, role: record.role, unit: record.unit }, now(), options.expiresInDays);
      const out: { made?: TokenRecord } = {};
      await store.put(accessKeys.tokenId(fresh.record.id), JSON.stringify({ sha256: fresh.record.sha256 }), { ifAbsent: true });
      // The new account is written first, from the version it replaces (again after a lost round),
      // then the old one names it: of two re-issues at once one makes a code, and a suspension
      // made meanwhile is in the new account or follows it there.
      const result = await modify(record.sha256, id, async (latest) => {
        if (latest.deleted_at || (await replacement(latest))) return null;
        // Holder, unit, e-mail, a machine's scope and a suspension carry over.
        out.made = { ...fresh.record, ...carriedOver(latest), id: fresh.record.id, sha256: fresh.record.sha256, replaces: id };
        await store.put(accessKeys.token(fresh.record.sha256), JSON.stringify(out.made, null, 2));
        return { ...latest, replaced_by: fresh.record.id };
      });
      if (!result?.changed || !out.made) {
        // Another administrator's re-issue (or deletion) stands: this one leaves nothing behind.
        await store.delete(accessKeys.token(fresh.record.sha256));
        await store.delete(accessKeys.tokenId(fresh.record.id));
        return null;
      }
      await putOnce(store, accessKeys.tokenRevoked(record.sha256), { id, revoked_at: now().toISOString() });
      cached = null;
      return { token: fresh.token, record: out.made };
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
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
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
