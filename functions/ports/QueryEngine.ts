import type { RecordBatch, Table } from 'apache-arrow';
import type { ParamValue } from '../domain/queries/resolveParams.ts';

export type OnBatch = (batch: RecordBatch) => void | Promise<void>;

/** The query-engine port: DuckDB in-process locally, Athena on AWS. */
export interface QueryEngine {
  /**
   * Runs SQL written with `:name` placeholders; values are bound, never spliced. `onBatch`, where
   * given, sees each batch of rows as it is read, before the whole table is (the HTTP layer
   * starts sending); the engine waits for it before reading on. An engine that reads the
   * answer whole (Athena) need not call it.
   */
  run(sql: string, params: Record<string, ParamValue>, onBatch?: OnBatch): Promise<Table>;
  /**
   * The lake changed (a submission landed): see its new files, as they are from this call on (a
   * refresh already under way may have listed the lake before the change, and does not count).
   */
  refresh(): Promise<void>;
  close(): Promise<void>;
}
