import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compilePlaceholders } from '../../functions/domain/queries/savedQueries.ts';
import { loadSavedQueries, SQL_DIR, lakeViews } from '../../functions/adapters/files/sqlFiles.ts';

const require = createRequire(import.meta.url);
const { Parser: TrinoParser } = require('node-sql-parser/build/trino');
const { Parser: AthenaParser } = require('node-sql-parser/build/athena');

/** Functions that DuckDB and Trino (Athena engine v3) both have, with the same meaning. */
const SHARED_FUNCTIONS = new Set(['strpos', 'round', 'avg', 'sum', 'count', 'max', 'min', 'row_number', 'rank', 'coalesce', 'nullif', 'abs', 'lower', 'upper', 'length', 'substr', 'cast', 'date_diff', 'ceil', 'floor', 'replace']);

function functionsIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => functionsIn(n, found));
  else if (node && typeof node === 'object') {
    const n = node as Record<string, unknown>;
    if ((n.type === 'function' || n.type === 'aggr_func') && n.name) {
      const name = typeof n.name === 'string' ? n.name : ((n.name as { name?: { value: string }[] }).name ?? []).map((p) => p.value).join('.');
      found.add(name.toLowerCase());
    }
    Object.values(n).forEach((v) => functionsIn(v, found));
  }
  return found;
}

// Athena binds execution parameters as literals; the grammars take a literal where a value goes.
const portable = (sql: string) => compilePlaceholders(sql, () => "'x'").sql;
const sources = [
  ...[...loadSavedQueries(SQL_DIR).values()].map((q) => [q.file, portable(q.sql)] as const),
  ...Object.entries(lakeViews()).map(([name, sql]) => [`sql/views/${name}.sql`, sql] as const),
];

describe('saved SQL stays within what both DuckDB and Athena (Trino) run', () => {
  it.each(sources)('%s parses as Trino and Athena SQL and calls only shared functions', (_file, sql) => {
    const trino = new TrinoParser().astify(sql, { database: 'trino' });
    new AthenaParser().astify(sql, { database: 'athena' });
    const unknown = [...functionsIn(trino)].filter((f) => !SHARED_FUNCTIONS.has(f));
    expect(unknown).toEqual([]);
    // DuckDB-only spellings the grammars might let through.
    expect(sql).not.toMatch(/::|\bilike\b|\bqualify\b|\blist_|\bstruct_pack\b|\bstrftime\b|\bepoch_ms\b/i);
  });

  it('the check has teeth: DuckDB-only SQL is caught', () => {
    expect(() => new TrinoParser().astify('SELECT * EXCLUDE (a) FROM t', { database: 'trino' })).toThrow();
    const ast = new TrinoParser().astify("SELECT strftime(x, '%Y') FROM t", { database: 'trino' });
    expect([...functionsIn(ast)]).toContain('strftime');
  });
});
