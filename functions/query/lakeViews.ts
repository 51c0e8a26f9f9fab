import { readFileSync } from 'node:fs';
import { assetPath } from '../assets.ts';

/** The views of sql/views, in dependency order: each may name only those before it. */
export const VIEW_ORDER = ['kpi_current', 'kpi_scored'] as const;

/** Their SQL, the one definition both engines use (DuckDB as views, Athena inlined as CTEs). */
export function lakeViews(dir = assetPath('sql', 'views')): Record<string, string> {
  return Object.fromEntries(VIEW_ORDER.map((name) => [name, readFileSync(`${dir}/${name}.sql`, 'utf8')]));
}
