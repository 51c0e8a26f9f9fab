import { createHash } from 'node:crypto';
import { INDICATORS_COLUMNS, PERIODS_COLUMNS, UNIT_LINEAGE_COLUMNS, UNITS_COLUMNS, type ColumnSpec } from '../../schemas/records.ts';
import { lakeKeys, type DimensionTable } from '../domain/lakeKeys.ts';
import { periodRows } from '../domain/registry/periods.ts';
import { unitLineage } from '../domain/registry/unitLineage.ts';
import type { Catalog } from '../domain/types.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import { toColumns, writeParquetTable } from '../adapters/parquet/writeParquet.ts';

/** The rows of every dimension table, from the catalog (units, indicators, registry events). */
export function dimensionRows(catalog: Catalog): Record<DimensionTable, { columns: readonly ColumnSpec[]; rows: Record<string, unknown>[] }> {
  return {
    units: { columns: UNITS_COLUMNS, rows: catalog.units.map((u, i) => ({ code: u.code, name_vi: u.nameVi, name_en: u.nameEn, type: u.type, sort_order: i + 1 })) },
    indicators: {
      columns: INDICATORS_COLUMNS,
      rows: catalog.indicators.map((x, i) => ({
        code: x.code, name_vi: x.nameVi, name_en: x.nameEn, short_name_vi: x.shortNameVi, short_name_en: x.shortNameEn, measure: x.measure, direction: x.direction,
        target: x.defaultTarget, reported_by: x.reportedBy.join(';'), sort_order: i + 1,
      })),
    },
    periods: { columns: PERIODS_COLUMNS, rows: periodRows() },
    unit_lineage: { columns: UNIT_LINEAGE_COLUMNS, rows: unitLineage(catalog.units, catalog.events ?? []) as unknown as Record<string, unknown>[] },
  };
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

/** Writes the units, indicators, periods and lineage tables into the lake, unconditionally. */
export async function writeDimensions(store: ObjectStore, catalog: Catalog): Promise<string> {
  const tables = dimensionRows(catalog);
  const hash = hashOf(tables);
  await writeTables(store, tables, hash);
  return hash;
}

/**
 * The dimension tables the catalog declares, written when their content changed: every face
 * (CLI, local server, each Lambda at cold start) calls this, so a deployment that has never
 * received a report still lists every unit, and a new catalog lands with the code that carries
 * it. The hash compares the rows, not the file bytes: the same rows are never rewritten.
 */
export async function ensureDimensions(store: ObjectStore, catalog: Catalog): Promise<'written' | 'current'> {
  const tables = dimensionRows(catalog);
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
