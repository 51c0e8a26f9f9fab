import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverFsLake } from '../../functions/adapters/stores/recoverFsLake.ts';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { createClock } from '../../functions/domain/clock.ts';
import { ingestFile } from '../../functions/services/ingestFile.ts';
import { sweepUncommitted } from '../../functions/services/sweepLake.ts';
import { catalogIndex } from '../helpers/lake.ts';
import { csvBytes } from '../helpers/workbook.ts';

let dir: string;
let store: FsObjectStore;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'chiso-recovery-')); store = new FsObjectStore(dir); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const hourAgo = () => new Date(Date.now() - 3600_000 * 2);
async function age(path: string) { await utimes(path, hourAgo(), hourAgo()); }

describe('what a crash leaves in a lake', () => {
  it('FsObjectStore.put removes its temporary file when the write itself fails', async () => {
    await expect(store.put('lake/x/a.parquet', 12345 as unknown as string)).rejects.toThrow();
    expect(await readdir(join(dir, 'lake/x'))).toEqual([]);
  });

  async function committedAndOrphan() {
    const deps = { store, catalog: catalogIndex, clock: createClock(7, () => new Date('2025-01-10T00:00:00Z')) };
    const ok = await ingestFile({ bytes: csvBytes('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,9,10\n'), fileName: 'a.csv' }, deps);
    // A submission that died between its partition file and its record.
    const orphanId = '20250110T000000000Z-0badf00d';
    await store.put(`lake/kpi_values/unit=xa-dai-tu/period=2024-Q4/${orphanId}.parquet`, 'half');
    await store.put(`originals/${orphanId}/b.csv`, 'b');
    return { ok, orphanId };
  }

  it('recovers a local lake at start: temporary files, uncommitted files and originals, empty folders; never the young or the committed', async () => {
    const { ok, orphanId } = await committedAndOrphan();
    await writeFile(join(dir, 'lake/.tmp-0123456789ab'), 'x');
    await mkdir(join(dir, 'lake/kpi_values/unit=xa-tam-hong/period=2024-Q1'), { recursive: true });
    // Too young: another process may be writing it now.
    expect(await recoverFsLake(dir)).toMatchObject({ orphanFiles: 0, tempFiles: 0, orphanOriginals: 0 });
    for (const p of [join(dir, 'lake/.tmp-0123456789ab'), join(dir, `lake/kpi_values/unit=xa-dai-tu/period=2024-Q4/${orphanId}.parquet`), join(dir, `originals/${orphanId}`)]) await age(p);
    const r = await recoverFsLake(dir);
    expect(r).toMatchObject({ tempFiles: 1, orphanFiles: 1, orphanOriginals: 1 });
    expect(r.emptyFolders).toBeGreaterThanOrEqual(2);
    const keys: string[] = [];
    for await (const o of store.list('')) keys.push(o.key);
    expect(keys.filter((k) => k.includes(orphanId))).toEqual([]);
    expect(keys).toContain(`lake/kpi_values/unit=xa-lien-chau/period=2024-Q4/${ok.submission_id}.parquet`);
  });

  it('sweeps a lake bucket the same way through the store port (the nightly run on AWS)', async () => {
    const { ok, orphanId } = await committedAndOrphan();
    expect(await sweepUncommitted(store)).toEqual({ removed: 0 }); // young
    expect(await sweepUncommitted(store, { now: new Date(Date.now() + 2 * 3600_000) })).toEqual({ removed: 2 });
    const keys: string[] = [];
    for await (const o of store.list('')) keys.push(o.key);
    expect(keys.some((k) => k.includes(orphanId))).toBe(false);
    expect(keys.filter((k) => k.includes(ok.submission_id)).length).toBeGreaterThanOrEqual(3);
  });
});

describe('a lake written before a column was added', () => {
  it('reads a partition file without source_column as null, beside new ones, and compacts them together', async () => {
    const { KPI_VALUES_COLUMNS, KPI_VALUES_PARTITIONS } = await import('../../schemas/records.ts');
    const { writeParquetTable } = await import('../../functions/adapters/parquet/writeParquet.ts');
    const { compactLake } = await import('../../functions/adapters/duckdb/compactLake.ts');
    const { openDuckDbLake } = await import('../../functions/adapters/duckdb/duckDbLake.ts');
    const deps = { store, catalog: catalogIndex, clock: createClock(7, () => new Date('2025-01-10T00:00:00Z')) };
    const fresh = await ingestFile({ bytes: csvBytes('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,9,10\n'), fileName: 'new.csv' }, deps);
    // An older file of another unit: same rows, no source_column; its record from a real ingest, then replaced.
    const old = await ingestFile({ bytes: csvBytes('Đơn vị: Xã Đại Tự\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,3,10\n'), fileName: 'old.csv' }, deps);
    const key = `lake/kpi_values/unit=xa-dai-tu/period=2024-Q4/${old.submission_id}.parquet`;
    const columns = [...KPI_VALUES_COLUMNS.filter((c) => c.name !== 'source_column' && c.name !== 'assessment'), ...KPI_VALUES_PARTITIONS];
    const at = new Date('2025-01-10T00:00:00Z');
    await rm(join(dir, key));
    await store.put(key, writeParquetTable(columns, {
      indicator_code: ['DOC_ONLINE'], value: [30], numerator: [3], denominator: [10], note: [null], submission_id: [old.submission_id], source_file: ['old.csv'],
      source_sheet: ['old.csv'], source_row: [4], submitted_at: [at], ingested_at: [at], unit: ['xa-dai-tu'], period: ['2024-Q4'],
    }));
    for (const step of ['raw', 'compacted']) {
      if (step === 'compacted') await compactLake(dir);
      const lake = await openDuckDbLake(dir);
      try {
        const rows = (await lake.connection.runAndReadAll('SELECT unit, value, source_column FROM kpi_current ORDER BY unit')).getRowObjectsJS();
        expect(rows, step).toEqual([{ unit: 'xa-dai-tu', value: 30, source_column: null }, { unit: 'xa-lien-chau', value: 90, source_column: 'C' }]);
      } finally {
        lake.close();
      }
    }
    expect(fresh.status).toBe('accepted');
  });
});
