import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { loadDuckDb, type DuckDbModule } from './loadDuckDb.ts';
import { RecordBatch, Table } from 'apache-arrow';
import { arrowColumn, chunkColumns } from './chunkToArrow.ts';
import { applyLakeChanges, buildEngineLake } from './duckDbLake.ts';
import { LakeIndex, type UnitPeriod } from './lakeIndex.ts';
import type { OnBatch, QueryEngine } from '../../ports/QueryEngine.ts';
import type { ParamValue } from '../../domain/queries/resolveParams.ts';
import { compilePlaceholders } from '../../domain/queries/savedQueries.ts';

/** How soon after a refresh that took in only this process's own records the records folder is listed for other processes'. */
const LISTING_AFTER_MS = 250;

/** DuckDB's error for a file a view names that is no longer there. */
const MISSING_FILE = /IO Error: (No files found that match the pattern|Cannot open file)/;

/** One DuckDB database with its views over the lake as it was when they were defined, and its connections. */
class Generation {
  private readonly idle: DuckDBConnection[];
  private readonly waiting: ((c: DuckDBConnection) => void)[] = [];
  private active = 0;
  private retired = false;

  /** `writer` takes in the lake's changes (one refresh at a time), beside the connections that answer. */
  constructor(private readonly instance: DuckDBInstance, connections: DuckDBConnection[], readonly writer: DuckDBConnection, readonly index: LakeIndex | null) {
    this.idle = connections;
  }

  acquire(): Promise<DuckDBConnection> {
    this.active++;
    const c = this.idle.pop();
    return c ? Promise.resolve(c) : new Promise((resolve) => this.waiting.push(resolve));
  }

  release(c: DuckDBConnection): void {
    this.active--;
    const next = this.waiting.shift();
    if (next) next(c);
    else this.idle.push(c);
    if (this.retired && this.active === 0) this.close();
  }

  /** Closed once the queries that began on it have ended. */
  retire(): void {
    this.retired = true;
    if (this.active === 0) this.close();
  }

  close(): void {
    for (const c of this.idle.splice(0)) c.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }
}

/** What the last refresh did: counted, for tests and benches. */
export interface RefreshReport {
  /** full: every derived row computed again (start, the registry or a setting changed); incremental: only `keys`'; unchanged: nothing new. */
  kind: 'full' | 'incremental' | 'unchanged';
  /** Why a full refresh was needed. */
  reason: string;
  /** The unit-periods whose derived rows were computed again (incremental). */
  keys: UnitPeriod[];
  /** The data files of the lake the refresh read or bound its views to (incremental; a full one reads them all). */
  files: string[];
  /** Whether it listed the submission records' folder (a full one does; an own write named by its id need not). */
  recordsListed: boolean;
}

/**
 * DuckDB in-process over the local lake. The derived tables (kpi_current, kpi_assessed,
 * kpi_points, first_received) are computed whole at start; after that a refresh takes in only
 * what is new (LakeIndex): a submission's or a head's decision's unit-periods are derived again
 * from their own files, in one transaction, while queries go on answering from the version before
 * until it commits. The registry or a setting changing builds a new database beside the current
 * one, which takes over when ready (the old closes when its last query ends). Results come back
 * as Arrow tables, whatever format they are rendered to afterwards.
 */
export class DuckDbEngine implements QueryEngine {
  private current: Generation | null = null;
  /** The last refresh asked for, and the one not yet begun that callers share. */
  private latest: Promise<void> = Promise.resolve();
  private next: Promise<void> | null = null;
  /** Own submissions for the refresh not yet begun, or null when it lists the folder anyway. */
  private nextWritten: string[] | null = null;
  private listingTimer: NodeJS.Timeout | null = null;
  /** Refreshes that changed what this engine answers (the runner's cache keys carry it). */
  changes = 0;
  private closed = false;
  lastRefresh: RefreshReport = { kind: 'full', reason: 'start', keys: [], files: [], recordsListed: true };

  private constructor(
    private readonly duckdb: DuckDbModule,
    private readonly dataDir: string,
    private readonly defineViews: ((c: DuckDBConnection) => Promise<void>) | null,
    private readonly poolSize: number,
  ) {}

  /** `defineViews` replaces the lake's views (benchmarks compare other layouts through the same path); such an engine always rebuilds whole. */
  static async open(dataDir: string, poolSize = 4, defineViews?: (c: DuckDBConnection) => Promise<void>): Promise<DuckDbEngine> {
    const engine = new DuckDbEngine(await loadDuckDb(), dataDir, defineViews ?? null, poolSize);
    await engine.refresh();
    return engine;
  }

  /**
   * The lake as it is from this call on. One refresh at a time: a call while one is under way
   * (it may have listed the lake before the caller's write) gets the next one, shared by every
   * caller until it begins.
   */
  refresh(written: readonly string[] = []): Promise<void> {
    // A refresh not yet begun is shared: it takes in these ids too, and lists the folder if any
    // caller did not say what it wrote.
    if (this.next) {
      if (this.nextWritten) this.nextWritten = written.length ? [...this.nextWritten, ...written] : null;
      return this.next;
    }
    this.nextWritten = written.length ? [...written] : null;
    const next = this.latest.catch(() => undefined).then(() => {
      const ids = this.nextWritten ?? [];
      this.next = null;
      this.nextWritten = null;
      return this.update(ids);
    });
    this.next = next;
    this.latest = next;
    return next;
  }

  private async update(written: string[]): Promise<void> {
    const generation = this.current;
    if (!generation?.index) return this.rebuild(generation ? 'custom views' : 'start');
    let changes;
    try {
      changes = await generation.index.update(generation.writer, written);
    } catch (error) {
      return this.rebuild(`the lake could not be read as it changed: ${(error as Error).message}`);
    }
    // Another process's records may have come with this process's own: the folder is listed
    // LISTING_AFTER_MS later, off the writer's path (once for a burst of own writes).
    if (generation.index.owesListing && !this.listingTimer && !this.closed) {
      const index = generation.index;
      this.listingTimer = setTimeout(() => {
        this.listingTimer = null;
        // The folder is listed outside the one-at-a-time refreshes; the refresh then only compares.
        void index.prelistRecords().catch(() => undefined)
          .then(() => (this.closed ? undefined : this.refresh()))
          .catch((error) => console.error('engine refresh:', error));
      }, LISTING_AFTER_MS);
      this.listingTimer.unref();
    }
    if (changes.rebuild) return this.rebuild(changes.rebuild);
    if (changes.submissions.length === 0 && changes.approvalFiles.length === 0 && changes.explanationFiles.length === 0 && !changes.manifestChanged) {
      this.lastRefresh = { kind: 'unchanged', reason: '', keys: [], files: [], recordsListed: changes.recordsListed };
      return;
    }
    try {
      const files = await applyLakeChanges(generation.writer, this.dataDir, generation.index, changes);
      this.lastRefresh = { kind: 'incremental', reason: '', keys: changes.keys, files, recordsListed: changes.recordsListed };
      this.changes++;
    } catch (error) {
      // The index has taken the changes in, the database has not: start again from the lake.
      console.error('incremental refresh failed, reading the whole lake:', (error as Error).message);
      return this.rebuild('an incremental refresh failed');
    }
  }

  private async rebuild(reason: string): Promise<void> {
    const instance = await this.duckdb.DuckDBInstance.create(':memory:', { threads: '2' });
    try {
      const connections = await Promise.all(Array.from({ length: this.poolSize }, () => instance.connect()));
      const writer = await instance.connect();
      let index: LakeIndex | null = null;
      if (this.defineViews) await this.defineViews(writer);
      else {
        index = await LakeIndex.scan(this.dataDir);
        await buildEngineLake(writer, this.dataDir, index);
      }
      const previous = this.current;
      this.current = new Generation(instance, connections, writer, index);
      this.lastRefresh = { kind: 'full', reason, keys: [], files: [], recordsListed: true };
      this.changes++;
      previous?.retire();
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  async run(sql: string, params: Record<string, ParamValue>, onBatch?: OnBatch): Promise<Table> {
    let sent = false;
    const send = onBatch && ((batch: RecordBatch) => { sent = true; return onBatch(batch); });
    try {
      return await this.runOnce(sql, params, send);
    } catch (error) {
      // A view planned over a file compaction has since removed (this generation slept through
      // two compactions): plan again over the lake as it is, and read once more.
      if (sent || !MISSING_FILE.test(String((error as Error)?.message))) throw error;
      await this.refresh();
      return this.runOnce(sql, params, onBatch);
    }
  }

  private async runOnce(sql: string, params: Record<string, ParamValue>, onBatch?: OnBatch): Promise<Table> {
    const compiled = compilePlaceholders(sql, (name) => `$${name}`);
    const bound: Record<string, ParamValue> = {};
    for (const name of compiled.names) {
      if (!(name in params)) throw new Error(`parameter ${name} has no value`);
      bound[name] = params[name]!;
    }
    const generation = this.current!;
    const c = await generation.acquire();
    try {
      // Run to the end in DuckDB (in parallel, off this thread), then turned into Arrow a chunk of
      // 2,048 rows at a time: whoever renders the answer may start on the first while the rest follow.
      // The result is held whole in DuckDB: its chunks are taken as they are, with no trip to
      // DuckDB's threads for each (fetchChunk's), which cost more than their rows' conversion.
      const result = await c.run(compiled.sql, bound);
      const names = result.columnNames();
      const types = result.columnTypes();
      const { DuckDBTypeId } = this.duckdb;
      const batches: RecordBatch[] = [];
      for (let k = 0; k < result.chunkCount; k++) {
        const chunk = result.getChunk(k);
        if (chunk.rowCount === 0) continue;
        const batch = new Table(chunkColumns(this.duckdb, chunk, names, types)).batches[0]!;
        batches.push(batch);
        if (onBatch) await onBatch(batch);
      }
      // An empty result has no chunks: its columns still have their types.
      if (batches.length === 0) return new Table(Object.fromEntries(names.map((name, i) => [name, arrowColumn(types[i]!, [], DuckDBTypeId)])));
      return new Table(batches);
    } finally {
      generation.release(c);
    }
  }

  /**
   * For benches, the floor of run(): the same SQL, parameters and connections, run to a result
   * held whole in DuckDB and every chunk of it taken, as run() takes them, with no row made into
   * Arrow or any JS value. Returns the number of rows.
   */
  async materialize(sql: string, params: Record<string, ParamValue>): Promise<number> {
    const compiled = compilePlaceholders(sql, (name) => `$${name}`);
    const bound = Object.fromEntries(compiled.names.map((name) => [name, params[name]!]));
    const generation = this.current!;
    const c = await generation.acquire();
    try {
      const result = await c.run(compiled.sql, bound);
      let rows = 0;
      for (let k = 0; k < result.chunkCount; k++) rows += result.getChunk(k).rowCount;
      return rows;
    } finally {
      generation.release(c);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.listingTimer) clearTimeout(this.listingTimer);
    this.listingTimer = null;
    await this.latest.catch(() => undefined);
    this.current?.retire();
    this.current = null;
  }
}
