import { createHash } from 'node:crypto';
import { DIMENSION_TABLES, type ColumnSpec } from '../../schemas/records.ts';
import { lakeKeys, type DimensionTable } from '../domain/lakeKeys.ts';
import { calendarRows, type CalendarPeriod } from '../domain/registry/calendar.ts';
import { periodRows } from '../domain/registry/periods.ts';
import { unitRanking } from '../domain/registry/rankingGroups.ts';
import { unitStatus } from '../domain/registry/unitStatus.ts';
import { unitLineage } from '../domain/registry/unitLineage.ts';
import type { Catalog } from '../domain/types.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import { toColumns, writeParquetTable } from '../adapters/parquet/writeParquet.ts';

/** Which registry the dimensions come from: an imported version, or the shipped example ("default"). */
export interface RegistryVersion {
  version: string;
  imported_at: string | null;
  sha256: string;
}

const FIRST_DAY = '0001-01-01';
const LAST_DAY = '9999-12-31';
const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/** The rows of every dimension table, from the catalog (units, indicators, history, frameworks). */
export function dimensionRows(catalog: Catalog, registry: RegistryVersion, utcOffsetHours = 7): Record<DimensionTable, { columns: readonly ColumnSpec[]; rows: Record<string, unknown>[] }> {
  const events = catalog.events ?? [];
  const frameworks = catalog.frameworks ?? [];
  const periods = periodRows();
  const rows: Record<DimensionTable, Record<string, unknown>[]> = {
    units: catalog.units.map((u, i) => ({
      code: u.code, name_vi: u.nameVi, name_en: u.nameEn, type: u.type, sort_order: i + 1,
      valid_from: u.validFrom ?? FIRST_DAY, valid_to: u.validTo ?? LAST_DAY, parent: u.parent ?? null,
      ...unitStatus(u, catalog), national_code: u.nationalCode ?? null, ...unitRanking(u, catalog.rankingGroups ?? []),
    })),
    indicators: catalog.indicators.map((x, i) => ({
      code: x.code, name_vi: x.nameVi, name_en: x.nameEn, short_name_vi: x.shortNameVi, short_name_en: x.shortNameEn, measure: x.measure, direction: x.direction,
      target: x.defaultTarget, reported_by: x.reportedBy.join(';'), sort_order: i + 1,
    })),
    periods,
    unit_lineage: unitLineage(catalog.units, events) as unknown as Record<string, unknown>[],
    unit_events: events.map((e) => ({
      date: e.date, kind: e.kind, from_unit: e.from, to_unit: e.to, share: e.share, source: e.source ?? '', verified: yesNo(e.verified !== false),
    })),
    frameworks: frameworks.flatMap((c, i) => c.appliesTo.map((type) => ({
      framework: c.framework, valid_from: c.validFrom, valid_to: c.validTo ?? LAST_DAY, pillar: c.pillar, pillar_name_vi: c.pillarNameVi,
      indicator_code: c.indicatorCode, max_points: c.maxPoints, rule: c.rule,
      steps: c.steps.length ? c.steps.map((s) => `${s.atLeast}:${s.points}`).join(';') : null, unit_type: type, target: c.target, sort_order: i + 1,
    }))),
    framework_steps: frameworks.flatMap((c) => c.steps.map((s) => ({ framework: c.framework, indicator_code: c.indicatorCode, at_least: s.atLeast, points: s.points }))),
    registry_version: [{ ...registry }],
    reporting_calendar: calendarRows(catalog.calendar ?? [], periods as unknown as CalendarPeriod[], utcOffsetHours, catalog.holidays ?? []),
  };
  return Object.fromEntries((Object.keys(DIMENSION_TABLES) as DimensionTable[])
    .map((t) => [t, { columns: DIMENSION_TABLES[t], rows: rows[t] }])) as Record<DimensionTable, { columns: readonly ColumnSpec[]; rows: Record<string, unknown>[] }>;
}

type DimensionTables = ReturnType<typeof dimensionRows>;

const hashOf = (tables: DimensionTables) => createHash('sha256').update(JSON.stringify(tables)).digest('hex');

/** The tables, then the marker naming their hash (last: if it is there, so are they). */
async function writeTables(store: ObjectStore, tables: DimensionTables, hash: string): Promise<void> {
  for (const [table, { columns, rows }] of Object.entries(tables) as [DimensionTable, DimensionTables[DimensionTable]][]) {
    await store.put(lakeKeys.dimension(table), writeParquetTable(columns, toColumns(columns, rows)));
  }
  await store.put(lakeKeys.dimensionsHash, JSON.stringify({ sha256: hash, written_at: new Date().toISOString() }));
}

/** The shipped example's version record. */
export const DEFAULT_REGISTRY: RegistryVersion = { version: 'default', imported_at: null, sha256: '' };

/** Writes the dimension tables into the lake, unconditionally. */
export async function writeDimensions(store: ObjectStore, catalog: Catalog, registry: RegistryVersion = DEFAULT_REGISTRY, utcOffsetHours = 7): Promise<string> {
  const tables = dimensionRows(catalog, registry, utcOffsetHours);
  const hash = hashOf(tables);
  await writeTables(store, tables, hash);
  return hash;
}

/**
 * The dimension tables of the current registry, written when their content changed: every face
 * (CLI, local server, each Lambda at cold start) calls this, so a deployment that has never
 * received a report still lists every unit. The hash compares the rows, not the file bytes: the
 * same rows are never rewritten.
 */
export async function ensureDimensions(store: ObjectStore, catalog: Catalog, registry: RegistryVersion = DEFAULT_REGISTRY, utcOffsetHours = 7): Promise<'written' | 'current'> {
  const tables = dimensionRows(catalog, registry, utcOffsetHours);
  const hash = hashOf(tables);
  const kept = await store.get(lakeKeys.dimensionsHash);
  if (kept && (JSON.parse(Buffer.from(kept).toString('utf8')) as { sha256?: string }).sha256 === hash) {
    // The marker is written last: if it is there, so are the tables (unless removed by hand).
    const present = await store.get(lakeKeys.dimension('units'));
    if (present) return 'current';
  }
  await writeTables(store, tables, hash);
  return 'written';
}
