import type { RecordBatch, Table } from 'apache-arrow';
import { createHash } from 'node:crypto';
import { lakeKeys } from '../domain/lakeKeys.ts';
import { canonicalParams, type ParamValue } from '../domain/queries/resolveParams.ts';
import type { SavedQuery } from '../domain/queries/savedQueries.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import type { QueryEngine } from '../ports/QueryEngine.ts';

/** A result kept until the lake changes, with its ETag and the bodies rendered from it so far. */
export interface CachedResult {
  etag: string;
  table: Table;
  bodies: Partial<Record<string, Uint8Array | string>>;
}

/**
 * A result's batches as the engine reads them, for a reader that starts before the last arrives:
 * replayed from the start for each reader; the end or a failure is passed on.
 */
export class BatchFeed implements AsyncIterable<RecordBatch> {
  private readonly batches: RecordBatch[] = [];
  private ended = false;
  private failure: { error: unknown } | null = null;
  private waiters: (() => void)[] = [];

  static of(table: Table): BatchFeed {
    const feed = new BatchFeed();
    for (const b of table.batches) feed.push(b);
    feed.end();
    return feed;
  }

  get count(): number { return this.batches.length; }
  push(batch: RecordBatch): void { this.batches.push(batch); this.wake(); }
  end(): void { this.ended = true; this.wake(); }
  fail(error: unknown): void { this.failure = { error }; this.wake(); }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** True once `n` batches are in, false if the result ended with fewer; a failure is thrown. */
  async has(n: number): Promise<boolean> {
    while (this.batches.length < n && !this.ended && !this.failure) await new Promise<void>((r) => this.waiters.push(r));
    if (this.batches.length >= n) return true;
    if (this.failure) throw this.failure.error;
    return false;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordBatch> {
    for (let i = 0; await this.has(i + 1); i++) yield this.batches[i]!;
  }
}

/** A saved query's answer as it comes: its ETag at once, its batches as read, the whole when done. */
export interface OpenedResult {
  etag: string;
  /** Kept from an earlier request (with the bodies rendered from it so far), or null. */
  cached: CachedResult | null;
  batches: BatchFeed;
  /** The whole result, kept once read. */
  result: Promise<CachedResult>;
}

export interface QueryRunner {
  /**
   * The lake version the engine answers from. When the lake moved, the engine re-reads it once,
   * whoever asks meanwhile; a caller waits for that at most `waitMs` (0 for /health).
   */
  lakeVersion(waitMs?: number): Promise<string>;
  /** A saved query with bound parameters, through the cache. */
  run(query: SavedQuery, params: Record<string, ParamValue>): Promise<CachedResult>;
  /** The same, for a reader that sends rows while the rest are still being read. */
  open(query: SavedQuery, params: Record<string, ParamValue>): Promise<OpenedResult>;
  /** Ad-hoc SQL (submission lists): never cached, but over the current lake. */
  runSql(sql: string, params: Record<string, ParamValue>): Promise<Table>;
  /** This process changed the lake: read its version at the next request. */
  lakeChanged(): void;
}

const CACHE_LIMIT = 500;
/**
 * How long a request waits for the engine to catch up with a new lake version before it is
 * answered from the previous one (the engine keeps serving it while it reads the new lake).
 */
const CATCH_UP_WAIT_MS = 1000;
/** How stale the lake version may be when read for a request: another process may have ingested. */
const VERSION_TTL_MS = 250;

/**
 * Runs saved queries over the engine with a cache keyed by query, parameters and lake version.
 * A new submission changes the version: the engine re-reads the lake and the cache empties.
 */
export function createQueryRunner(deps: { engine: QueryEngine; store: ObjectStore; cacheResults?: boolean; onNewVersion?: () => Promise<unknown> }): QueryRunner {
  const cache = new Map<string, CachedResult>();
  let engineVersion: string | null = null;
  let catchingUp: Promise<void> | null = null;
  let versionRead: { version: string; at: number } | null = null;

  async function lakeVersion(waitMs = CATCH_UP_WAIT_MS): Promise<string> {
    // Read at most every VERSION_TTL_MS under load; this process's own submissions read it at once.
    if (!versionRead || Date.now() - versionRead.at > VERSION_TTL_MS) {
      const v = await deps.store.get(lakeKeys.lakeVersion);
      versionRead = { version: v ? Buffer.from(v).toString('utf8') : 'empty', at: Date.now() };
    }
    const version = versionRead.version;
    if (version !== engineVersion) {
      // A new version may come with a new registry (units, frameworks): read it with the lake.
      catchingUp ??= (deps.onNewVersion?.() ?? Promise.resolve()).then(() => deps.engine.refresh()).then(() => {
        engineVersion = version;
        cache.clear();
      }).catch((error) => console.error('engine refresh:', error)).finally(() => { catchingUp = null; });
      // The first read waits; later ones are answered from the previous version past a second.
      if (engineVersion === null) await catchingUp;
      else await Promise.race([catchingUp, new Promise((r) => setTimeout(r, waitMs).unref())]);
    }
    return engineVersion ?? version;
  }

  /** The cache key and ETag of a query over the current lake, and its result if kept. */
  async function lookup(query: SavedQuery, params: Record<string, ParamValue>) {
    const version = await lakeVersion();
    const key = `${query.name}?${canonicalParams(params)}`;
    const etag = `"${createHash('sha256').update(`${key}@${version}`).digest('base64url').slice(0, 27)}"`;
    return { key, etag, cached: cache.get(key) ?? null };
  }

  function keep(key: string, etag: string, table: Table): CachedResult {
    const entry: CachedResult = { etag, bodies: {}, table };
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    if (deps.cacheResults !== false) cache.set(key, entry);
    return entry;
  }

  async function open(query: SavedQuery, params: Record<string, ParamValue>): Promise<OpenedResult> {
    const { key, etag, cached } = await lookup(query, params);
    if (cached) return { etag, cached, batches: BatchFeed.of(cached.table), result: Promise.resolve(cached) };
    const batches = new BatchFeed();
    const result = deps.engine.run(query.sql, params, (b) => batches.push(b)).then((table) => keep(key, etag, table));
    // An engine that reads the answer whole gives it in one go; a failure reaches every reader.
    result.then((entry) => {
      if (batches.count === 0) for (const b of entry.table.batches) batches.push(b);
      batches.end();
    }, (error) => batches.fail(error));
    return { etag, cached: null, batches, result };
  }

  return {
    lakeVersion,
    open,
    // Pages and the CLI take the whole result: no batch feed to fill.
    async run(query, params) {
      const { key, etag, cached } = await lookup(query, params);
      return cached ?? keep(key, etag, await deps.engine.run(query.sql, params));
    },
    async runSql(sql, params) {
      await lakeVersion();
      return deps.engine.run(sql, params);
    },
    lakeChanged() {
      versionRead = null;
    },
  };
}
