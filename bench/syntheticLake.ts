/**
 * The benches' synthetic lake: N communes × M months × 15 indicators, one submission (one small
 * file of values and its record) per unit and month, as clerks' monthly forms would write it.
 * Built once into a folder and reused (a marker file says it is whole).
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SUBMISSIONS_COLUMNS } from '../schemas/records.ts';
import { FsObjectStore } from '../functions/adapters/stores/FsObjectStore.ts';
import { toColumns, writeParquetTable } from '../functions/adapters/parquet/writeParquet.ts';
import type { Catalog, KpiRecord } from '../functions/domain/types.ts';
import { writeDimensions } from '../functions/services/dimensions.ts';
import { kpiValuesFile } from '../functions/adapters/parquet/kpiValuesFile.ts';
import { lakeKeys } from '../functions/domain/lakeKeys.ts';
import { months, seeded } from './syntheticDistrict.ts';

/** One unit's monthly form as the lake stores it: its values file and its submission record. */
export async function writeSyntheticSubmission(store: FsObjectStore, catalog: Catalog, unit: string, period: string, id: string, submittedAt: Date, random: () => number): Promise<KpiRecord[]> {
  const records: KpiRecord[] = catalog.indicators.map((i, row) => {
    if (i.measure === 'boolean') return { unit, period, indicator_code: i.code, value: random() < 0.8 ? 1 : 0, numerator: null, denominator: null, note: null, source_sheet: 'Dữ liệu', source_row: row + 2 };
    const denominator = 20 + Math.floor(random() * 2000);
    const numerator = Math.floor(random() * denominator);
    return { unit, period, indicator_code: i.code, value: (100 * numerator) / denominator, numerator, denominator, note: null, source_sheet: 'Dữ liệu', source_row: row + 2 };
  });
  // Values first, then the record (the commit), as ingestFile does.
  await store.put(lakeKeys.kpiValues(unit, period, id), kpiValuesFile(records, { submissionId: id, fileName: `${unit}-${period}.xlsx`, submittedAt, ingestedAt: submittedAt }));
  await store.put(lakeKeys.submission(id), writeParquetTable(SUBMISSIONS_COLUMNS, toColumns(SUBMISSIONS_COLUMNS, [{
    submission_id: id, source_key: `originals/${id}/x.xlsx`, source_version: null, source_file: `${unit}-${period}.xlsx`, sha256: id,
    size_bytes: 10_000, format: 'xlsx', layout: 'form', status: 'accepted', units: JSON.stringify([unit]), periods: JSON.stringify([period]),
    row_count: records.length, error_count: 0, errors: '[]', submitted_by: null, submitted_at: submittedAt, ingested_at: submittedAt,
  }])));
  return records;
}

export const submissionIdAt = (at: Date, n: number) => `${at.toISOString().replace(/[-:.]/g, '')}-${n.toString(16).padStart(8, '0')}`;

/** Builds the lake unless a whole one is there; a few units miss the last month. Returns the submissions written (0: reused). */
export async function buildSyntheticLake(dir: string, catalog: Catalog, monthCount: number, progress?: (done: number, total: number) => void): Promise<number> {
  if (existsSync(join(dir, 'state/bench-complete'))) {
    // A reused lake gets the registry's tables as this version writes them (a column added since).
    await writeDimensions(new FsObjectStore(dir), catalog);
    return 0;
  }
  await rm(dir, { recursive: true, force: true });
  const store = new FsObjectStore(dir);
  await writeDimensions(store, catalog);
  const random = seeded(7);
  const jobs: (() => Promise<void>)[] = [];
  let n = 0;
  for (const [m, period] of months(monthCount).entries()) {
    for (const [u, unit] of catalog.units.entries()) {
      if (m === monthCount - 1 && u % 50 === 0) continue; // a few units have not reported the last month
      const submittedAt = new Date(Date.UTC(2019, m + 1, 5, 2, 0, 0) + u * 60_000);
      const id = submissionIdAt(submittedAt, n++);
      jobs.push(async () => { await writeSyntheticSubmission(store, catalog, unit.code, period, id, submittedAt, random); });
    }
  }
  let next = 0;
  let done = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < jobs.length) {
      await jobs[next++]!();
      if (++done % 5000 === 0) progress?.(done, jobs.length);
    }
  }));
  await store.put(lakeKeys.lakeVersion, 'bench');
  await writeFile(join(dir, 'state/bench-complete'), String(n));
  return n;
}
