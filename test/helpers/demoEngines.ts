import { DuckDbEngine } from '../../functions/adapters/duckdb/DuckDbEngine.ts';
import { defineLakeViews } from '../../functions/adapters/duckdb/duckDbLake.ts';

/**
 * Two engines over one lake: the engine as it runs (its maintained tables), and one where every
 * view is a view, as Athena has them, nothing kept in tables. A query must answer the same on both.
 */
export async function openEnginePair(lake: string): Promise<{ engine: DuckDbEngine; plainViews: DuckDbEngine; close: () => Promise<void> }> {
  const engine = await DuckDbEngine.open(lake, 1);
  const plainViews = await DuckDbEngine.open(lake, 1, (c) => defineLakeViews(c, lake));
  return { engine, plainViews, close: async () => { await engine.close(); await plainViews.close(); } };
}
