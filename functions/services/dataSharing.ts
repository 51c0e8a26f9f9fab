import type { Schema } from 'apache-arrow';
import { machineColumns, notShareable, rowsCarryUnit, rowsInScope, scopeRefusal } from '../domain/access/machineScope.ts';
import type { MachineScope } from '../domain/access/tokens.ts';
import type { CatalogIndex } from '../domain/ingest/ingestContext.ts';
import { resolveParams, type ParamValue } from '../domain/queries/resolveParams.ts';
import type { ColumnMeta, SavedQuery } from '../domain/queries/savedQueries.ts';
import { dictionaryOf, type DictionaryEntry } from './dataDictionary.ts';
import type { Publication, SnapshotRow } from './publications.ts';

/**
 * The province's data-sharing platform's view of chiso (Nghị định 278/2025/NĐ-CP): for a period,
 * the published results (the decision's frozen figures) and the current values of the saved
 * queries in a machine account's scope, with rows of its units only and the columns it may see.
 */

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/** A saved query's rows and the engine's schema of them, with resolved parameters. */
export type ReadRows = (query: SavedQuery, params: Record<string, ParamValue>) => Promise<{ rows: Row[]; schema: Schema }>;

/** The published datasets: a publication's frozen ranking and score cards, named after the queries that made them. */
export const PUBLISHED_DATASETS = { dti_ranking: 'ranking', dti_scorecards: 'scorecards' } as const;
export type PublishedDataset = keyof typeof PUBLISHED_DATASETS;
export const isPublishedDataset = (name: string): name is PublishedDataset => Object.hasOwn(PUBLISHED_DATASETS, name);

/** A dataset as handed out: its columns (meaning in vi and en), its rows, and the schema that types them. */
export interface SharedRows { name: string; columns: ColumnMeta[]; rows: Row[]; schema: Schema | null }

const UNIT_COLUMN: ColumnMeta = { name: 'unit', vi: 'Mã đơn vị', en: 'Unit code' };

/** Every saved query and every unit, for an analyst looking at what a platform would be given. */
export function fullScope(queries: ReadonlyMap<string, SavedQuery>): MachineScope {
  return { queries: [...queries.values()].filter((q) => !notShareable(q)).map((q) => q.name), units: 'all' };
}

/** A query of a period: it takes `period`, and otherwise at most a unit (asked once per unit in scope) and parameters with defaults. */
function periodShape(query: SavedQuery): 'period' | 'per-unit' | null {
  if (!query.params.some((p) => p.name === 'period' && p.type === 'period')) return null;
  const others = query.params.filter((p) => p.name !== 'period' && p.required && p.default === null);
  if (others.length === 0) return 'period';
  return others.length === 1 && others[0]!.type === 'unit' ? 'per-unit' : null;
}

/** The parameters a period's dataset leaves to their defaults: an optional unit of "" (every unit) is judged as asked. */
const defaults = (query: SavedQuery) => Object.fromEntries(query.params.filter((p) => p.default !== null).map((p) => [p.name, p.default]));

/** The saved queries of a scope that give a period's current values, in the scope's order. */
export function periodDatasets(scope: MachineScope, queries: ReadonlyMap<string, SavedQuery>): SavedQuery[] {
  return scope.queries
    .map((name) => queries.get(name))
    .filter((q): q is SavedQuery => Boolean(q) && periodShape(q!) !== null && !scopeRefusal(scope, q!, defaults(q!)));
}

const project = (columns: ColumnMeta[], rows: readonly Record<string, unknown>[]): Row[] =>
  rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, (r[c.name] ?? null) as Cell])));

/** The columns a machine sees of a query's rows, with `unit` first when its rows are asked unit by unit and do not say it. */
const sharedColumns = (query: SavedQuery, perUnit: boolean) => (perUnit && !rowsCarryUnit(query) ? [UNIT_COLUMN, ...machineColumns(query)] : machineColumns(query));

/** The columns of a period's dataset of this query, as `currentRows` gives them. */
export const datasetColumns = (query: SavedQuery) => sharedColumns(query, periodShape(query) === 'per-unit');

/**
 * A period's current values of one saved query in scope: asked once for the period, or once per
 * unit in scope for a query of one unit; rows of other units left out either way.
 */
export async function currentRows(
  deps: { read: ReadRows; catalog: CatalogIndex; today: string },
  scope: MachineScope, query: SavedQuery, period: string,
): Promise<SharedRows> {
  const shape = periodShape(query);
  if (!shape) throw new Error(`${query.name} is not a query of a period`);
  if (shape === 'period') {
    const params = resolveParams(query, { period }, deps.catalog, deps.today);
    const { rows, schema } = await deps.read(query, params);
    const columns = sharedColumns(query, false);
    return { name: query.name, columns, rows: project(columns, rowsInScope(scope, query, rows)), schema };
  }
  const unitParam = query.params.find((p) => p.type === 'unit' && p.required && p.default === null)!.name;
  const units = scope.units === 'all' ? deps.catalog.catalog.units.map((u) => u.code) : scope.units;
  const columns = sharedColumns(query, true);
  const rows: Row[] = [];
  let schema: Schema | null = null;
  // One unit at a time: a scope of every unit of a province is a few hundred small answers.
  for (const unit of units) {
    const params = resolveParams(query, { period, [unitParam]: unit }, deps.catalog, deps.today);
    const answer = await deps.read(query, params);
    schema ??= answer.schema;
    rows.push(...project(columns, answer.rows.map((r) => ({ unit, ...r }))));
  }
  return { name: query.name, columns, rows, schema };
}

/** A publication's frozen figures of one dataset, as a machine of `scope` may see them. */
export function publishedRows(publication: Publication, dataset: PublishedDataset, query: SavedQuery, scope: MachineScope, schema: Schema | null): SharedRows {
  const frozen: SnapshotRow[] = publication[PUBLISHED_DATASETS[dataset]];
  const columns = machineColumns(query);
  return { name: dataset, columns, rows: project(columns, rowsInScope(scope, query, frozen)), schema };
}

/** The dictionary of datasets, each column once per dataset. */
export const dictionaryOfAll = (datasets: readonly { name: string; columns: ColumnMeta[]; schema: Schema | null }[]): DictionaryEntry[] =>
  datasets.flatMap((d) => dictionaryOf(d.name, d.columns, d.schema));

function csvCell(value: Cell): string {
  if (value === null) return '';
  // A cell Excel would run as a formula is kept as text, as the API's CSV does.
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV as the API writes it: UTF-8 with BOM, CRLF, the machine's column names, raw values. */
export function rowsCsv(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c] ?? null)).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
