import type { Table } from 'apache-arrow';
import type { ParamValue } from '../domain/queries/resolveParams.ts';

/** The query-engine port: DuckDB in-process locally, Athena on AWS. */
export interface QueryEngine {
  /** Runs SQL written with `:name` placeholders; values are bound, never spliced. */
  run(sql: string, params: Record<string, ParamValue>): Promise<Table>;
  /** The lake changed (a submission landed): see its new files. */
  refresh(): Promise<void>;
  close(): Promise<void>;
}
