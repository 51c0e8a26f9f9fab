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
   * The lake version the engine answers from. After this process's own write (`lakeChanged()`)
   * it waits for the refresh that write started, however long; another process's write is seen
   * within VERSION_TTL_MS plus the refresh, answered from the previous version meanwhile.
   * `waitMs` 0 never waits for a refresh (/health), except the very first.
   */
  lakeVersion(waitMs?: number): Promise<string>;
  /** A saved query with bound parameters, through the cache. */
  run(query: SavedQuery, params: Record<string, ParamValue>): Promise<CachedResult>;
  /** The same, for a reader that sends rows while the rest are still being read. */
  open(query: SavedQuery, params: Record<string, ParamValue>): Promise<OpenedResult>;
  /** Ad-hoc SQL (submission lists): never cached, but over the current lake. */
  runSql(sql: string, params: Record<string, ParamValue>): Promise<Table>;
  /**
   * This process wrote to the lake (a submission, an approval, an explanation): the engine
   * re-reads it now, and every read from here on waits for that, so a writer sees its own write.
   * `written`: the ids of the submissions written, when known: the engine takes them in without
   * looking for what is new (at national size a listing of 79,000 records).
   */
  lakeChanged(written?: readonly string[]): void;
}

const CACHE_LIMIT = 500;
/** How stale the lake version may be when read for a request: another process may have ingested. */
const VERSION_TTL_MS = 250;

/**
 * Runs saved queries over the engine with a cache keyed by query, parameters and lake version.
 * A new submission changes the version: the engine re-reads the lake and the cache empties.
 */
export function createQueryRunner(deps: { engine: QueryEngine; store: ObjectStore; cacheResults?: boolean; onNewVersion?: () => Promise<unknown> }): QueryRunner {
  const cache = new Map<string, CachedResult>();
  /** The version the engine's lake was read at (null until the first refresh of this runner). */
  let engineVersion: string | null = null;
  /** The refresh under way (one at a time), and the version it reads the lake at or after. */
  let catchingUp: { version: string; done: Promise<void> } | null = null;
  let versionRead: { version: string; at: number } | null = null;
  /** The catch-up this process's last write started: reads wait for it. */
  let ownWrite: Promise<void> | null = null;

  async function readVersion(): Promise<string> {
    const v = await deps.store.get(lakeKeys.lakeVersion);
    versionRead = { version: v ? Buffer.from(v).toString('utf8') : 'empty', at: Date.now() };
    return versionRead.version;
  }

  /**
   * The engine re-reads the lake after whatever refresh is under way: a refresh that began before
   * `version` was read may have listed the lake before the write that made it. Never rejects.
   */
  function catchUpTo(version: string, written: readonly string[] = []): Promise<void> {
    if (version === engineVersion) return Promise.resolve();
    if (catchingUp?.version === version) return catchingUp.done;
    const before = catchingUp?.done ?? Promise.resolve();
    const done: Promise<void> = before.then(async () => {
      if (engineVersion === version) return;
      // A new version may come with a new registry (units, frameworks): read it with the lake.
      await deps.onNewVersion?.();
      await deps.engine.refresh(written);
      engineVersion = version;
      cache.clear();
    }).catch((error) => console.error('engine refresh:', error)).finally(() => {
      if (catchingUp?.done === done) catchingUp = null;
    });
    catchingUp = { version, done };
    return done;
  }

  async function lakeVersion(waitMs = Infinity): Promise<string> {
    if (ownWrite && waitMs > 0) await ownWrite;
    // Read at most every VERSION_TTL_MS under load: another process's write is seen that late.
    const version = versionRead && Date.now() - versionRead.at <= VERSION_TTL_MS ? versionRead.version : await readVersion();
    if (version !== engineVersion) {
      const done = catchUpTo(version);
      // The first read waits; after that another process's write is answered from the previous
      // version while the engine reads the new lake beside it.
      if (engineVersion === null) await done;
    }
    return engineVersion ?? version;
  }

  /** The cache key and ETag of a query over the current lake, and its result if kept. */
  async function lookup(query: SavedQuery, params: Record<string, ParamValue>) {
    const version = await lakeVersion();
    // The version is in the key: a query begun on the previous version may end after the cache
    // emptied; so is the engine's count of changes (it may take in another process's write by itself).
    const key = `${query.name}?${canonicalParams(params)}@${version}#${deps.engine.changes ?? 0}`;
    const etag = `"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`;
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
    lakeChanged(written) {
      const caughtUp: Promise<void> = readVersion().then((version) => catchUpTo(version, written), (error) => console.error('lake version:', error))
        .finally(() => { if (ownWrite === caughtUp) ownWrite = null; });
      ownWrite = caughtUp;
    },
  };
}
