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
   * `written`: ids of submissions this process has just written, which an engine may take in by
   * name instead of looking for what is new (others' writes are still found, a moment later).
   */
  refresh(written?: readonly string[]): Promise<void>;
  /**
   * Counts the refreshes that changed what the engine answers, where an engine also takes in
   * changes by itself (another process's write found after this one's): a result kept from
   * before a change is not answered after it.
   */
  readonly changes?: number;
  close(): Promise<void>;
}
