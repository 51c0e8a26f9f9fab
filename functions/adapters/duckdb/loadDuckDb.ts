export type DuckDbModule = typeof import('@duckdb/node-api');

let loading: Promise<DuckDbModule> | null = null;

/**
 * DuckDB's native module, loaded on first use: the Lambda bundles carry this adapter's code for
 * the local mode but not the native package, which must never load there.
 */
export function loadDuckDb(): Promise<DuckDbModule> {
  loading ??= import('@duckdb/node-api');
  return loading;
}
