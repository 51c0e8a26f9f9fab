import {
  GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand,
  type AthenaClient, type ColumnInfo, type GetQueryResultsCommandOutput,
} from '@aws-sdk/client-athena';
import { Bool, Float64, Int32, Int64, Table, TimestampMillisecond, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import type { QueryEngine } from '../../ports/QueryEngine.ts';
import type { ParamValue } from '../../domain/queries/resolveParams.ts';
import { compilePlaceholders } from '../../domain/queries/savedQueries.ts';
import { inlineViews } from '../../domain/queries/inlineViews.ts';

export interface AthenaEngineOptions {
  workGroup: string;
  database: string;
  /** Views defined once in sql/views (kpi_current), inlined as CTEs where a query names them. */
  views: Record<string, string>;
  /** Give up (and stop the query) after this long. */
  timeoutMs?: number;
  /** Reuse a result of the same query and parameters this recent (Athena result reuse). */
  reuseMinutes?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** FAILED, CANCELLED or timed out: said plainly, with Athena's reason for the server's log. */
export class AthenaQueryError extends Error {
  constructor(readonly state: 'FAILED' | 'CANCELLED' | 'TIMEOUT', readonly reason: string, readonly queryExecutionId: string) {
    super(`Athena query ${queryExecutionId} ${state}: ${reason}`);
    this.name = 'AthenaQueryError';
  }
}

const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'SlowDown']);

/** Athena substitutes execution parameters as SQL literals: strings quoted, quotes doubled. */
export function toLiteral(value: ParamValue): string {
  return typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
}

function arrowType(type: string): { arrow: DataType; parse: (v: string) => unknown } {
  switch (type.toLowerCase()) {
    case 'boolean': return { arrow: new Bool(), parse: (v) => v === 'true' };
    case 'tinyint': case 'smallint': case 'integer': case 'int': return { arrow: new Int32(), parse: Number };
    case 'bigint': return { arrow: new Int64(), parse: (v) => BigInt(v) };
    case 'double': case 'float': case 'real': case 'decimal': return { arrow: new Float64(), parse: Number };
    case 'timestamp': return { arrow: new TimestampMillisecond(), parse: (v) => Date.parse(`${v.replace(' ', 'T')}Z`) };
    default: return { arrow: new Utf8(), parse: (v) => v };
  }
}

/**
 * Athena (Trino) over the Glue tables: parameters bound as ExecutionParameters (never spliced),
 * polling with backoff and an overall timeout, results paged and typed by column.
 */
export class AthenaEngine implements QueryEngine {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly athena: AthenaClient, private readonly options: AthenaEngineOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = options.now ?? Date.now;
  }

  /** Retries a call that Athena throttled, with growing waits. */
  private async call<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (!THROTTLED.has((error as Error).name) || attempt >= 5) throw error;
        await this.sleep(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  }

  async run(sql: string, params: Record<string, ParamValue>): Promise<Table> {
    const compiled = compilePlaceholders(inlineViews(sql, this.options.views), () => '?');
    const parameters = compiled.names.map((name) => {
      if (!(name in params)) throw new Error(`parameter ${name} has no value`);
      return toLiteral(params[name]!);
    });
    const started = await this.call(() => this.athena.send(new StartQueryExecutionCommand({
      QueryString: compiled.sql,
      WorkGroup: this.options.workGroup,
      QueryExecutionContext: { Database: this.options.database },
      ExecutionParameters: parameters.length ? parameters : undefined,
      ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: this.options.reuseMinutes ?? 15 } },
    })));
    const id = started.QueryExecutionId!;
    await this.waitFor(id);
    return this.results(id);
  }

  private async waitFor(id: string): Promise<void> {
    const deadline = this.now() + (this.options.timeoutMs ?? 60_000);
    let wait = 100;
    for (;;) {
      const { QueryExecution } = await this.call(() => this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id })));
      const state = QueryExecution?.Status?.State;
      if (state === 'SUCCEEDED') return;
      if (state === 'FAILED' || state === 'CANCELLED') {
        throw new AthenaQueryError(state, QueryExecution?.Status?.AthenaError?.ErrorMessage ?? QueryExecution?.Status?.StateChangeReason ?? 'no reason given', id);
      }
      if (this.now() + wait > deadline) {
        await this.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
        throw new AthenaQueryError('TIMEOUT', `still ${state ?? 'unknown'} after ${this.options.timeoutMs ?? 60_000} ms`, id);
      }
      await this.sleep(wait);
      wait = Math.min(2000, Math.round(wait * 1.5));
    }
  }

  private async results(id: string): Promise<Table> {
    let columns: ColumnInfo[] | null = null;
    const values: string[][] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page: GetQueryResultsCommandOutput = await this.call(() => this.athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 })));
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const rows = page.ResultSet?.Rows ?? [];
      // The first row of a SELECT's first page repeats the column names.
      for (const row of first ? rows.slice(1) : rows) values.push((row.Data ?? []).map((d) => d.VarCharValue as string));
      first = false;
      token = page.NextToken;
    } while (token);
    return new Table(Object.fromEntries((columns ?? []).map((info, c) => {
      const { arrow, parse } = arrowType(info.Type ?? 'varchar');
      return [info.Name!, vectorFromArray(values.map((r) => (r[c] === undefined || r[c] === null ? null : parse(r[c]!))), arrow)];
    })));
  }

  async refresh(): Promise<void> {
    // Glue's partitions are registered by the ingest function as files land: nothing to re-read.
  }

  async close(): Promise<void> {}
}
