/**
 * npm run bench:athena-objects — how many objects Athena opens for a scorecard at province scale
 * (148 communes × 60 months × 14 indicators, one submission per commune and month), through the
 * same symlink-lake code the ingest function runs (functions/adapters/glue/GlueSymlinkLake.ts),
 * over a folder laid out like the lake bucket. Counts, for the kpi_values and submissions tables:
 * as ingested with no folding, with the inline folding ingest does (a period past 16 objects),
 * and after the nightly compaction.
 */
import type { GlueClient } from '@aws-sdk/client-glue';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SUBMISSIONS_COLUMNS } from '../schemas/records.ts';
import { GlueSymlinkLake } from '../functions/adapters/glue/GlueSymlinkLake.ts';
import { toColumns, writeParquetTable } from '../functions/adapters/parquet/writeParquet.ts';
import { FsObjectStore } from '../functions/adapters/stores/FsObjectStore.ts';
import { lakeKeys, TABLE_LOCATIONS } from '../functions/domain/lakeKeys.ts';
import type { KpiRecord } from '../functions/domain/types.ts';
import { kpiValuesFile } from '../functions/adapters/parquet/kpiValuesFile.ts';
import { months, seeded, syntheticCatalog } from './syntheticDistrict.ts';

const UNITS = 148;
const MONTHS = 60;
const INLINE_FROM = 16;

/** Glue only has to accept partitions here: the count is of objects in the bucket. */
const glue = { send: async () => ({ Table: { StorageDescriptor: {} }, Errors: [] }) } as unknown as GlueClient;

async function objectsAthenaOpens(store: FsObjectStore): Promise<number> {
  let n = 0;
  for (const prefix of [TABLE_LOCATIONS.kpi_values, TABLE_LOCATIONS.submissions]) {
    for await (const o of store.list(prefix)) {
      n += 1 + Buffer.from((await store.get(o.key))!).toString().split('\n').filter(Boolean).length;
    }
  }
  return n;
}

async function run(inline: boolean) {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-bench-athena-'));
  const store = new FsObjectStore(dir);
  const lake = new GlueSymlinkLake(glue, 'chiso', store, 'chiso-lake');
  const catalog = syntheticCatalog(UNITS);
  const random = seeded(7);
  let n = 0;
  for (const [m, period] of months(MONTHS).entries()) {
    for (const unit of catalog.units) {
      const submittedAt = new Date(Date.UTC(2019, m + 1, 5, 2, 0, 0) + n * 1000);
      const id = `${submittedAt.toISOString().replace(/[-:.]/g, '')}-${(n++).toString(16).padStart(8, '0')}`;
      const records: KpiRecord[] = catalog.indicators.map((i, row) => {
        const denominator = 20 + Math.floor(random() * 2000);
        const numerator = Math.floor(random() * denominator);
        return { unit: unit.code, period, indicator_code: i.code, value: (100 * numerator) / denominator, numerator, denominator, note: null, source_sheet: 'Dữ liệu', source_row: row + 2 };
      });
      await store.put(lakeKeys.kpiValues(unit.code, period, id), kpiValuesFile(records, { submissionId: id, fileName: `${unit.code}.xlsx`, submittedAt, ingestedAt: submittedAt }));
      await store.put(lakeKeys.submission(id), writeParquetTable(SUBMISSIONS_COLUMNS, toColumns(SUBMISSIONS_COLUMNS, [{
        submission_id: id, source_key: `uploads/${unit.code}.xlsx`, source_version: null, source_file: `${unit.code}.xlsx`, sha256: id, size_bytes: 1,
        format: 'xlsx', layout: 'form', status: 'accepted', units: JSON.stringify([unit.code]), periods: JSON.stringify([period]), row_count: records.length,
        error_count: 0, errors: '[]', submitted_by: null, submitted_at: submittedAt, ingested_at: submittedAt,
      }])));
      await lake.publish({ submission_id: id, partitions: [{ unit: unit.code, period }] });
      if (inline) await lake.compact({ periods: [period], minFiles: INLINE_FROM });
    }
  }
  const asIngested = await objectsAthenaOpens(store);
  const t = performance.now();
  await lake.compact();
  const compactSeconds = (performance.now() - t) / 1000;
  const afterNightly = await objectsAthenaOpens(store);
  await rm(dir, { recursive: true, force: true });
  return { submissions: n, asIngested, afterNightly, compactSeconds };
}

const raw = await run(false);
const inline = await run(true);
console.log(`${raw.submissions.toLocaleString('en')} submissions (${UNITS} communes × ${MONTHS} months × 14 indicators)`);
console.log('| lake | objects a scorecard opens (kpi_values + submissions: manifests and files) |');
console.log('|---|---|');
console.log(`| as ingested, no folding | ${raw.asIngested.toLocaleString('en')} |`);
console.log(`| as ingested, folding inline past ${INLINE_FROM} objects a period (the ingest function) | ${inline.asIngested.toLocaleString('en')} |`);
console.log(`| after the nightly compaction | ${raw.afterNightly.toLocaleString('en')} (${(raw.compactSeconds).toFixed(1)} s to fold everything) |`);
