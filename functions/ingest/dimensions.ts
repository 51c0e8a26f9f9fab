import { INDICATORS_COLUMNS, PERIODS_COLUMNS, UNIT_LINEAGE_COLUMNS, UNITS_COLUMNS } from '../../schemas/records.ts';
import { unitLineage } from '../core/unitLineage.ts';
import type { Catalog } from '../core/types.ts';
import type { ObjectStore } from '../adapters/ObjectStore.ts';
import { toColumns, writeParquetTable } from '../adapters/writeParquet.ts';

const ROMAN = ['I', 'II', 'III', 'IV'];
const pad = (n: number) => String(n).padStart(2, '0');

/** Every period from `from` to `to` (years), with the one before it of the same kind. */
export function periodRows(from = 2015, to = 2035): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let y = from; y <= to; y++) {
    rows.push({ period: `${y}`, kind: 'year', year: y, start_date: `${y}-01-01`, previous_period: `${y - 1}`, label_vi: `Năm ${y}` });
    for (let h = 1; h <= 2; h++) {
      rows.push({ period: `${y}-H${h}`, kind: 'half', year: y, start_date: `${y}-${h === 1 ? '01' : '07'}-01`,
        previous_period: h === 1 ? `${y - 1}-H2` : `${y}-H1`, label_vi: `6 tháng ${h === 1 ? 'đầu' : 'cuối'} năm ${y}` });
    }
    for (let q = 1; q <= 4; q++) {
      rows.push({ period: `${y}-Q${q}`, kind: 'quarter', year: y, start_date: `${y}-${pad(q * 3 - 2)}-01`,
        previous_period: q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`, label_vi: `Quý ${ROMAN[q - 1]}/${y}` });
    }
    for (let m = 1; m <= 12; m++) {
      rows.push({ period: `${y}-${pad(m)}`, kind: 'month', year: y, start_date: `${y}-${pad(m)}-01`,
        previous_period: m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`, label_vi: `Tháng ${m}/${y}` });
    }
  }
  return rows;
}

export const dimensionKeys = {
  units: 'lake/dim/units/units.parquet',
  indicators: 'lake/dim/indicators/indicators.parquet',
  periods: 'lake/dim/periods/periods.parquet',
  unitLineage: 'lake/dim/unit_lineage/unit_lineage.parquet',
};

/** Writes the units, indicators and periods tables into the lake from the catalog. */
export async function writeDimensions(store: ObjectStore, catalog: Catalog): Promise<void> {
  const units = catalog.units.map((u, i) => ({ code: u.code, name_vi: u.nameVi, name_en: u.nameEn, type: u.type, sort_order: i + 1 }));
  const indicators = catalog.indicators.map((x, i) => ({
    code: x.code, name_vi: x.nameVi, name_en: x.nameEn, measure: x.measure, direction: x.direction,
    target: x.defaultTarget, reported_by: x.reportedBy.join(';'), sort_order: i + 1,
  }));
  await store.put(dimensionKeys.units, writeParquetTable(UNITS_COLUMNS, toColumns(UNITS_COLUMNS, units)));
  await store.put(dimensionKeys.indicators, writeParquetTable(INDICATORS_COLUMNS, toColumns(INDICATORS_COLUMNS, indicators)));
  await store.put(dimensionKeys.periods, writeParquetTable(PERIODS_COLUMNS, toColumns(PERIODS_COLUMNS, periodRows())));
  const lineage = unitLineage(catalog.units, catalog.events ?? []) as unknown as Record<string, unknown>[];
  await store.put(dimensionKeys.unitLineage, writeParquetTable(UNIT_LINEAGE_COLUMNS, toColumns(UNIT_LINEAGE_COLUMNS, lineage)));
}
