import { compilePlaceholders, type ColumnMeta, type SavedQuery } from '../queries/savedQueries.ts';
import type { MachineScope } from './tokens.ts';

/**
 * What a data-sharing platform's machine account may be given (Nghị định 278/2025/NĐ-CP): saved
 * queries of its scope, rows of its units, never a value waiting for approval nor a column shown
 * to analysts only. Pure: the HTTP layer asks, these rules answer.
 */

/**
 * The tables and views a shared query may read: the published data. The views leaders read
 * (kpi_current, kpi_assessed, kpi_points, dti_points, first_received) keep published rows only; anything
 * else (values waiting for approval, who sent which file, clerks' explanations, the audit log,
 * a file read by a table function) keeps the query from being shared. A list of what may be
 * read, not of what may not: a saved query added later is not shared by mistake.
 */
const SHARED_TABLES = new Set([
  'kpi_current', 'kpi_scored', 'kpi_assessed', 'kpi_points', 'dti_points', 'kpi_lineage', 'unit_lineage', 'first_received',
  'reporting_units', 'reporting_calendar', 'units', 'unit_events', 'indicators', 'frameworks', 'components', 'periods',
]);
/** Table functions that make rows rather than read them. */
const ROW_MAKERS = new Set(['range', 'unnest', 'generate_series']);
const NOT_TABLES = new Set(['as', 'lateral', 'select', 'values']);

export interface Refusal { code: string; vi: string; en: string }

/** The SQL without comments, string literals and parameters (`:from`): a table named in them is not read. */
const bareSql = (sql: string) => compilePlaceholders(sql, () => '?').sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ').replace(/'(?:[^']|'')*'/g, "''");

/** The tables, views and table functions a query reads (its own WITH names left out). */
export function tablesRead(sql: string): string[] {
  const bare = bareSql(sql);
  const own = new Set([...bare.matchAll(/\b([a-z_][a-z0-9_]*)\s+as\s*\(/gi)].map((m) => m[1]!.toLowerCase()));
  const read = new Set<string>();
  for (const m of bare.matchAll(/\b(?:from|join)\s+([a-z_][a-z0-9_]*)\b(\s*\()?/gi)) {
    const name = m[1]!.toLowerCase();
    if (own.has(name) || NOT_TABLES.has(name) || (m[2] && ROW_MAKERS.has(name))) continue;
    read.add(m[2] ? `${name}()` : name);
  }
  return [...read].sort();
}

/** Whether a saved query may be shared with a machine at all (null), or why not. */
export function notShareable(query: SavedQuery): Refusal | null {
  // A query kept for some roles (its `audience`) is shared only when it names machines.
  if (query.audience && !query.audience.includes('machine')) {
    return { code: 'QUERY_NOT_SHAREABLE', vi: `Truy vấn ${query.name} chỉ dành cho ${query.audience.join(', ')}`, en: `Query ${query.name} is for ${query.audience.join(', ')} only` };
  }
  const other = tablesRead(query.sql).filter((t) => !SHARED_TABLES.has(t));
  if (other.length) {
    return {
      code: 'QUERY_NOT_SHAREABLE',
      vi: `Truy vấn ${query.name} đọc ${other.join(', ')} (không phải số liệu đã công bố), không chia sẻ cho hệ thống khác`,
      en: `Query ${query.name} reads ${other.join(', ')} (not published data): never shared with another system`,
    };
  }
  return null;
}

/** The columns a machine is given: those the query declares, less the analysts' own. */
export const machineColumns = (query: SavedQuery): ColumnMeta[] => query.columns.filter((c) => !c.analystsOnly);

export const unitInScope = (scope: MachineScope, unit: string) => scope.units === 'all' || scope.units.includes(unit);

/** Whether the query's rows name their unit (`unit`), so rows of other units can be left out. */
export const rowsCarryUnit = (query: SavedQuery) => query.columns.some((c) => c.name === 'unit');

const outOfScope = (what: string, en: string): Refusal => ({ code: 'OUT_OF_SCOPE', vi: what, en });

/**
 * Whether a machine with `scope` may run `query` with these parameters: null when it may (rows of
 * other units are then left out by `unit`), else why not. A query whose rows sum over units
 * (no unit parameter, no unit column) is refused to a scope of some units: its figures would
 * carry units outside it.
 */
export function scopeRefusal(scope: MachineScope | null | undefined, query: SavedQuery, params: Record<string, unknown>): Refusal | null {
  if (!scope || !scope.queries.includes(query.name)) {
    return outOfScope(`Truy vấn ${query.name} nằm ngoài phạm vi được chia sẻ của tài khoản này`, `Query ${query.name} is outside this account's scope`);
  }
  const notShared = notShareable(query);
  if (notShared) return notShared;
  for (const spec of query.params) {
    const unit = params[spec.name];
    if (spec.type === 'unit' && typeof unit === 'string' && !unitInScope(scope, unit)) {
      return outOfScope(`Đơn vị ${unit} nằm ngoài phạm vi được chia sẻ của tài khoản này`, `Unit ${unit} is outside this account's scope`);
    }
  }
  const byUnitParam = query.params.some((p) => p.type === 'unit');
  if (scope.units !== 'all' && !byUnitParam && !rowsCarryUnit(query)) {
    return outOfScope(
      `Truy vấn ${query.name} tổng hợp mọi đơn vị, có cả đơn vị ngoài phạm vi của tài khoản này`,
      `Query ${query.name} sums over every unit, including units outside this account's scope`,
    );
  }
  return null;
}

/** Rows of units in scope only: on the server, whatever was asked. */
export function rowsInScope<R extends Record<string, unknown>>(scope: MachineScope, query: SavedQuery, rows: R[]): R[] {
  if (scope.units === 'all' || !rowsCarryUnit(query)) return rows;
  const units = new Set(scope.units);
  return rows.filter((r) => units.has(String(r.unit)));
}

/** "a, b ,c" → ['a', 'b', 'c'] (empty parts dropped, each once). */
export const scopeList = (text: string) => [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];

/**
 * A scope asked for (CLI, admin page) checked against the saved queries and the registry, every
 * problem at once: the scope when fine.
 */
export function checkScope(
  asked: { queries: string; units: string },
  queries: ReadonlyMap<string, SavedQuery>,
  unitCodes: ReadonlySet<string>,
): { scope: MachineScope } | { problems: { vi: string; en: string }[] } {
  const problems: { vi: string; en: string }[] = [];
  const names = scopeList(asked.queries);
  const all = asked.units.trim() === 'all';
  const units = all ? [] : scopeList(asked.units);
  if (names.length === 0) problems.push({ vi: 'cần ít nhất một truy vấn (--queries a,b)', en: 'at least one query is needed (--queries a,b)' });
  for (const name of names) {
    const query = queries.get(name);
    if (!query) problems.push({ vi: `không có truy vấn "${name}"`, en: `no saved query "${name}"` });
    else {
      // Judged as a request would be: a query summing over every unit needs every unit.
      const refused = scopeRefusal({ queries: names, units: all ? 'all' : units }, query, {});
      if (refused) problems.push({ vi: refused.vi, en: refused.en });
    }
  }
  if (!all && units.length === 0) problems.push({ vi: 'cần danh sách đơn vị (--units x,y) hoặc --units all', en: 'a list of units is needed (--units x,y), or --units all' });
  for (const unit of units) if (!unitCodes.has(unit)) problems.push({ vi: `không có đơn vị "${unit}"`, en: `no unit "${unit}"` });
  return problems.length ? { problems } : { scope: { queries: names, units: all ? 'all' : units } };
}
