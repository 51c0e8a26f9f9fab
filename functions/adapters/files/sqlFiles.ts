import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSavedQuery, SavedQueryError, type SavedQuery } from '../../domain/queries/savedQueries.ts';
import { VIEW_ORDER } from '../../domain/queries/inlineViews.ts';
import { assetPath } from './assets.ts';

/** The folder of saved queries shipped with chiso (beside the bundle on Lambda). */
export const SQL_DIR = assetPath('sql');

/** Every saved query of a folder (views/ excluded); a malformed one stops start-up, naming its file. */
export function loadSavedQueries(dir: string): Map<string, SavedQuery> {
  const queries = new Map<string, SavedQuery>();
  for (const entry of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const query = parseSavedQuery(readFileSync(join(dir, entry), 'utf8'), `sql/${entry}`);
    queries.set(query.name, query);
  }
  for (const query of queries.values()) {
    const missing = query.page.sections.find((s) => !queries.has(s.query));
    if (missing) throw new SavedQueryError(`${query.file}: page.sections names ${missing.query}, which is no saved query`);
  }
  return queries;
}


/** Their SQL, the one definition both engines use (DuckDB as views, Athena inlined as CTEs). */
export function lakeViews(dir = assetPath('sql', 'views')): Record<string, string> {
  return Object.fromEntries(VIEW_ORDER.map((name) => [name, readFileSync(`${dir}/${name}.sql`, 'utf8')]));
}
