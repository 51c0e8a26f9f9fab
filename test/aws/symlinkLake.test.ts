import { BatchCreatePartitionCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GlueSymlinkLake } from '../../functions/adapters/glue/GlueSymlinkLake.ts';
import { readParquetRows } from '../../functions/adapters/parquet/readParquet.ts';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { createClock } from '../../functions/domain/clock.ts';
import { ingestFile } from '../../functions/services/ingestFile.ts';
import { catalogIndex } from '../helpers/lake.ts';
import { csvBytes } from '../helpers/workbook.ts';

let dir: string;
let store: FsObjectStore;
let glue: ReturnType<typeof mockClient>;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-symlink-'));
  store = new FsObjectStore(dir);
  glue = mockClient(GlueClient);
  glue.on(GetTableCommand).resolves({ Table: { Name: 'kpi_values', DatabaseName: 'chiso', StorageDescriptor: { Columns: [] } } });
  glue.on(BatchCreatePartitionCommand).resolves({ Errors: [] });
});
afterEach(async () => {
  glue.restore();
  await rm(dir, { recursive: true, force: true });
});

const keys = async (prefix: string) => { const out: string[] = []; for await (const o of store.list(prefix)) out.push(o.key); return out.sort(); };
const report = (unit: string, n: number) => csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,${n},10\n`);

describe('the symlink lake Athena reads (manifests over the lake bucket)', () => {
  it('publishes each submission at once, and folds a period into one manifest and one file without losing a row', async () => {
    const lake = new GlueSymlinkLake(new GlueClient({ region: 'ap-southeast-1' }), 'chiso', store, 'chiso-lake');
    const deps = { store, catalog: catalogIndex, clock: createClock(7, () => new Date('2025-01-10T00:00:00Z')) };
    const units = ['Xã Liên Châu', 'Xã Đại Tự', 'Thị trấn Tam Hồng'];
    const ids: string[] = [];
    for (const [i, unit] of units.entries()) {
      const r = await ingestFile({ bytes: report(unit, i + 1), fileName: `${i}.csv` }, deps);
      await lake.publish(r);
      ids.push(r.submission_id);
    }
    expect(await keys('lake/manifests/kpi_values/')).toEqual(ids.map((id) => `lake/manifests/kpi_values/period=2024-Q4/${id}.txt`).sort());
    // The period was registered once, by its manifests' folder.
    expect(glue.commandCalls(BatchCreatePartitionCommand)).toHaveLength(1);
    expect(await lake.compact({ minFiles: 100 })).toEqual({ periods: 0 }); // below the threshold: left as is
    expect(await lake.compact()).toEqual({ periods: 1 });
    const manifests = await keys('lake/manifests/kpi_values/');
    expect(manifests).toHaveLength(1);
    const [data] = Buffer.from((await store.get(manifests[0]!))!).toString().trim().split('\n');
    expect(data).toMatch(/^s3:\/\/chiso-lake\/lake\/compacted\/kpi_values\/period=2024-Q4\/.+\.parquet$/);
    const rows = await readParquetRows((await store.get(data!.replace('s3://chiso-lake/', '')))!);
    expect(rows.map((r) => [r.unit, r.period, r.submission_id, r.numerator]).sort()).toEqual([
      ['xa-dai-tu', '2024-Q4', ids[1], 2n], ['xa-lien-chau', '2024-Q4', ids[0], 1n], ['tt-tam-hong', '2024-Q4', ids[2], 3n],
    ].sort());
    expect(await keys('lake/manifests/submissions/')).toHaveLength(1);
    // A submission after compaction is readable at once, beside the compacted file.
    const late = await ingestFile({ bytes: report('Xã Liên Châu', 9), fileName: 'late.csv' }, deps);
    await lake.publish(late);
    expect(await keys('lake/manifests/kpi_values/')).toEqual([...manifests, `lake/manifests/kpi_values/period=2024-Q4/${late.submission_id}.txt`].sort());
    // Every raw file stays where it was: the audit history and DuckDB's lake are untouched.
    expect((await keys('lake/kpi_values/')).length).toBe(4);
  });

  it('refuses a manifest line outside the lake bucket instead of reading it', async () => {
    const lake = new GlueSymlinkLake(new GlueClient({ region: 'ap-southeast-1' }), 'chiso', store, 'chiso-lake');
    await store.put('lake/manifests/kpi_values/period=2024-Q4/a.txt', 's3://other-bucket/x.parquet\n');
    await store.put('lake/manifests/kpi_values/period=2024-Q4/b.txt', 's3://other-bucket/y.parquet\n');
    await expect(lake.compact()).rejects.toThrow(/outside the lake bucket/);
  });
});
