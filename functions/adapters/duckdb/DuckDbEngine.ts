import type { DuckDBConnection, DuckDBInstance, DuckDBType } from '@duckdb/node-api';
import { loadDuckDb, type DuckDbModule } from './loadDuckDb.ts';
import { Bool, DateDay, Float64, Int32, Int64, RecordBatch, Table, TimestampMillisecond, Utf8, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import { defineLakeTables } from './duckDbLake.ts';
import type { OnBatch, QueryEngine } from '../../ports/QueryEngine.ts';
import type { ParamValue } from '../../domain/queries/resolveParams.ts';
import { compilePlaceholders } from '../../domain/queries/savedQueries.ts';

/** Arrow type for a DuckDB column type, and how to turn DuckDB's JS values into it. */
function arrowColumn(type: DuckDBType, values: unknown[], DuckDBTypeId: DuckDbModule['DuckDBTypeId']): Vector {
  const convert = (t: DataType, map: (v: unknown) => unknown = (v) => v) =>
    vectorFromArray(values.map((v) => (v === null || v === undefined ? null : map(v))), t);
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN: return convert(new Bool());
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT: case DuckDBTypeId.USMALLINT:
      return convert(new Int32(), Number);
    case DuckDBTypeId.BIGINT: case DuckDBTypeId.UINTEGER: case DuckDBTypeId.HUGEINT: case DuckDBTypeId.UBIGINT:
      return convert(new Int64(), (v) => BigInt(v as bigint));
    case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE: case DuckDBTypeId.DECIMAL:
      return convert(new Float64(), Number);
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_MS: case DuckDBTypeId.TIMESTAMP_S: case DuckDBTypeId.TIMESTAMP_TZ:
      return convert(new TimestampMillisecond(), (v) => (v instanceof Date ? v.getTime() : Number(v)));
    case DuckDBTypeId.DATE: return convert(new DateDay(), (v) => (v instanceof Date ? v : new Date(String(v))));
    default: return convert(new Utf8(), String);
  }
}

/** DuckDB's error for a file a view names that is no longer there. */
const MISSING_FILE = /IO Error: (No files found that match the pattern|Cannot open file)/;

/** One DuckDB database with its views over the lake as it was when they were defined, and its connections. */
class Generation {
  private readonly idle: DuckDBConnection[];
  private readonly waiting: ((c: DuckDBConnection) => void)[] = [];
  private active = 0;
  private retired = false;

  constructor(private readonly instance: DuckDBInstance, connections: DuckDBConnection[]) {
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
    this.instance.closeSync();
  }
}

/**
 * DuckDB in-process over the local lake, double-buffered: a refresh builds a new database with
 * views over the lake as it is now (kpi_current materialised), while queries go on answering from
 * the current one; the new one takes over when ready, and the old closes when its last query ends.
 * Results come back as Arrow tables, whatever format they are rendered to afterwards.
 */
export class DuckDbEngine implements QueryEngine {
  private current: Generation | null = null;
  /** The last refresh asked for, and the one not yet begun that callers share. */
  private latest: Promise<void> = Promise.resolve();
  private next: Promise<void> | null = null;

  private constructor(
    private readonly duckdb: DuckDbModule,
    private readonly defineViews: (c: DuckDBConnection) => Promise<void>,
    private readonly poolSize: number,
  ) {}

  /** `defineViews` replaces the lake's views (benchmarks compare other layouts through the same path). */
  static async open(dataDir: string, poolSize = 4, defineViews?: (c: DuckDBConnection) => Promise<void>): Promise<DuckDbEngine> {
    const engine = new DuckDbEngine(await loadDuckDb(), defineViews ?? ((c) => defineLakeTables(c, dataDir)), poolSize);
    await engine.refresh();
    return engine;
  }

  /**
   * The lake as it is from this call on. One refresh at a time: a call while one is under way
   * (it may have listed the lake before the caller's write) gets the next one, shared by every
   * caller until it begins.
   */
  refresh(): Promise<void> {
    if (this.next) return this.next;
    const next = this.latest.catch(() => undefined).then(() => {
      this.next = null;
      return this.rebuild();
    });
    this.next = next;
    this.latest = next;
    return next;
  }

  private async rebuild(): Promise<void> {
    const instance = await this.duckdb.DuckDBInstance.create(':memory:', { threads: '2' });
    try {
      const connections = await Promise.all(Array.from({ length: this.poolSize }, () => instance.connect()));
      await this.defineViews(connections[0]!);
      const previous = this.current;
      this.current = new Generation(instance, connections);
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
      const result = await c.run(compiled.sql, bound);
      const names = result.columnNames();
      const types = result.columnTypes();
      const { DuckDBTypeId, JSDuckDBValueConverter } = this.duckdb;
      const batches: RecordBatch[] = [];
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const batch = new Table(Object.fromEntries(names.map((name, i) =>
          [name, arrowColumn(types[i]!, chunk!.convertColumnValues(i, JSDuckDBValueConverter), DuckDBTypeId)]))).batches[0]!;
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

  async close(): Promise<void> {
    await this.latest.catch(() => undefined);
    this.current?.retire();
    this.current = null;
  }
}
