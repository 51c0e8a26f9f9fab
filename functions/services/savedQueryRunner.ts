import type { Table } from 'apache-arrow';
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

export interface QueryRunner {
  /**
   * The lake version the engine answers from. When the lake moved, the engine re-reads it once,
   * whoever asks meanwhile; a caller waits for that at most `waitMs` (0 for /health).
   */
  lakeVersion(waitMs?: number): Promise<string>;
  /** A saved query with bound parameters, through the cache. */
  run(query: SavedQuery, params: Record<string, ParamValue>): Promise<CachedResult>;
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

  return {
    lakeVersion,
    async run(query, params) {
      const version = await lakeVersion();
      const key = `${query.name}?${canonicalParams(params)}`;
      let entry = cache.get(key);
      if (!entry) {
        const table = await deps.engine.run(query.sql, params);
        entry = { etag: `"${createHash('sha256').update(`${key}@${version}`).digest('base64url').slice(0, 27)}"`, bodies: {}, table };
        if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
        if (deps.cacheResults !== false) cache.set(key, entry);
      }
      return entry;
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
