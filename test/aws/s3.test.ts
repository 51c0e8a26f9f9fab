import { GlueClient, BatchCreatePartitionCommand, GetTableCommand } from '@aws-sdk/client-glue';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GlueSymlinkLake } from '../../functions/adapters/glue/GlueSymlinkLake.ts';
import { ObjectExistsError } from '../../functions/ports/ObjectStore.ts';
import { decodeEventKey, S3ObjectStore } from '../../functions/adapters/stores/S3ObjectStore.ts';
import { ingestFile } from '../../functions/services/ingestFile.ts';
import { createS3IngestHandler } from '../../functions/services/ingestS3Event.ts';
import { catalogIndex } from '../helpers/lake.ts';
import { csvBytes } from '../helpers/workbook.ts';
import { startS3rver } from '../helpers/s3rver.ts';
import { createClock } from '../../functions/domain/clock.ts';

let s3rver: Awaited<ReturnType<typeof startS3rver>>;
let s3: S3Client;

beforeAll(async () => {
  s3rver = await startS3rver(['chiso-uploads', 'chiso-lake']);
  s3 = s3rver.s3;
});
afterAll(async () => { await s3rver.stop(); });

/** An S3 event as Lambda receives it: the key URL-encoded, spaces as "+". */
function s3Event(bucket: string, key: string): S3Event {
  const encoded = key.split('/').map((p) => encodeURIComponent(p)).join('/').replace(/%20/g, '+');
  return { Records: [{
    eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'ap-southeast-1', eventTime: '2025-01-10T02:00:00.000Z', eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:AIDAEXAMPLE' }, requestParameters: { sourceIPAddress: '127.0.0.1' }, responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
    s3: { s3SchemaVersion: '1.0', configurationId: 'c', bucket: { name: bucket, ownerIdentity: { principalId: 'o' }, arn: `arn:aws:s3:::${bucket}` }, object: { key: encoded, size: 1, eTag: 'e', sequencer: '0A' } },
  }] } as S3Event;
}

describe('S3ObjectStore against s3rver', () => {
  it('writes, reads, lists and deletes keys with spaces and Vietnamese', async () => {
    const store = new S3ObjectStore(s3, 'chiso-lake');
    const keys = Array.from({ length: 7 }, (_, i) => `lake/x/Báo cáo Quý ${i} năm 2024.parquet`);
    for (const k of keys) await store.put(k, `nội dung ${k}`);
    expect(Buffer.from((await store.get(keys[3]!))!).toString()).toBe(`nội dung ${keys[3]}`);
    expect(await store.get('lake/x/không có.parquet')).toBeNull();
    const listed: string[] = [];
    for await (const o of store.list('lake/x/')) listed.push(o.key);
    expect(listed.sort()).toEqual([...keys].sort());
    await store.delete(keys[0]!);
    expect(await store.get(keys[0]!)).toBeNull();
  });

  it('ingests a report from a real S3 event, writes the lake bucket only, and registers its partitions', async () => {
    const glue = mockClient(GlueClient);
    glue.on(GetTableCommand).resolves({ Table: { Name: 'kpi_values', DatabaseName: 'chiso', StorageDescriptor: { Columns: [], Location: 's3://chiso-lake/lake/kpi_values/' } } });
    glue.on(BatchCreatePartitionCommand).resolves({ Errors: [] });
    const lake = new S3ObjectStore(s3, 'chiso-lake');
    const symlinks = new GlueSymlinkLake(new GlueClient({ region: 'ap-southeast-1' }), 'chiso', lake, 'chiso-lake');
    const ingestDeps = { store: lake, catalog: catalogIndex, clock: createClock(7, () => new Date('2025-01-10T02:00:05Z')) };
    const handler = createS3IngestHandler({
      store: lake,
      uploads: (bucket) => new S3ObjectStore(s3, bucket),
      ingest: async (input) => {
        const result = await ingestFile(input, ingestDeps);
        await symlinks.publish(result);
        return result;
      },
    });
    const key = 'uploads/Xã Liên Châu/Báo cáo Quý IV+2024.csv';
    expect(decodeEventKey(s3Event('chiso-uploads', key).Records[0]!.s3.object.key)).toBe(key);
    await s3.send(new PutObjectCommand({ Bucket: 'chiso-uploads', Key: key, Body: csvBytes('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,9,10\n2,OFFICIAL_EMAIL,30,40\n') }));
    const [result] = await handler(s3Event('chiso-uploads', key));
    expect(result).toMatchObject({ status: 'accepted', rows: 2, partitions: [{ unit: 'xa-lien-chau', period: '2024-Q4' }] });
    const lakeKeys: string[] = [];
    for await (const o of lake.list('lake/')) if (!o.key.startsWith('lake/x/')) lakeKeys.push(o.key);
    expect(lakeKeys.filter((k) => !k.startsWith('lake/dim/')).sort()).toEqual([
      `lake/kpi_values/unit=xa-lien-chau/period=2024-Q4/${result!.submission_id}.parquet`,
      `lake/manifests/kpi_values/period=2024-Q4/${result!.submission_id}.txt`,
      `lake/manifests/submissions/${result!.submission_id}.txt`,
      `lake/submissions/${result!.submission_id}.parquet`,
    ]);
    // The manifests name the files Athena reads, by their S3 URIs.
    expect(Buffer.from((await lake.get(`lake/manifests/kpi_values/period=2024-Q4/${result!.submission_id}.txt`))!).toString())
      .toBe(`s3://chiso-lake/lake/kpi_values/unit=xa-lien-chau/period=2024-Q4/${result!.submission_id}.parquet\n`);
    const uploads: string[] = [];
    for await (const o of new S3ObjectStore(s3, 'chiso-uploads').list('')) uploads.push(o.key);
    expect(uploads).toEqual([key]); // nothing written back to the upload bucket
    const partition = glue.commandCalls(BatchCreatePartitionCommand)[0]!.args[0].input.PartitionInputList![0]!;
    expect(partition.Values).toEqual(['2024-Q4']);
    expect(partition.StorageDescriptor!.Location).toBe('s3://chiso-lake/lake/manifests/kpi_values/period=2024-Q4/');
    // The same event again ingests nothing new.
    const again = await handler(s3Event('chiso-uploads', key));
    const after: string[] = [];
    for await (const o of lake.list('lake/')) if (!o.key.startsWith('lake/x/')) after.push(o.key);
    expect(after.sort()).toEqual(lakeKeys.sort());
    expect(again.every((r) => r.duplicate_of === result!.submission_id)).toBe(true);
    glue.restore();
  });
});

describe('a registry kept in the lake bucket', () => {
  it('imports a province\'s files into the bucket, writes its dimension tables there, and every face opens it', async () => {
    const { importRegistry, openRegistry, registryVersions } = await import('../../functions/services/registry.ts');
    const { defaultRegistryFiles } = await import('../../functions/adapters/files/catalogFiles.ts');
    const { readParquetRows } = await import('../../functions/adapters/parquet/readParquet.ts');
    const store = new S3ObjectStore(s3, 'chiso-lake');
    const shipped = defaultRegistryFiles();
    // Before any import, a cold start writes the shipped example's dimensions.
    const first = await openRegistry(store, defaultRegistryFiles);
    expect(first.version.version).toBe('default');
    const province = { ...shipped, 'units.csv': `${shipped['units.csv'].trimEnd()}\nxa-moi-thu,Xã Mới Thử,New Test,commune,\n` };
    const result = await importRegistry(store, province, new Date('2026-11-29T03:00:00Z'));
    expect(result.status).toBe('imported');
    const versions = await registryVersions(store);
    expect(versions).toEqual([{ version: expect.stringMatching(/^20261129T030000Z-[0-9a-f]{8}$/), current: true }]);
    const units = await readParquetRows(Buffer.from((await store.get('lake/dim/units/units.parquet'))!));
    expect(units.some((u) => u.code === 'xa-moi-thu')).toBe(true);
    // A warm function (an open registry) takes the new version at its next refresh; a cold one at start.
    expect(await first.refresh()).toBe(true);
    expect(first.index.catalog.units.some((u) => u.code === 'xa-moi-thu')).toBe(true);
    expect((await openRegistry(store, defaultRegistryFiles)).version.version).toBe(versions[0]!.version);
  });
});

describe('S3ObjectStore behaviour (aws-sdk-client-mock)', () => {
  it('lists across pages', async () => {
    const mock = mockClient(S3Client);
    mock.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({ Contents: [{ Key: 'p/a', Size: 1 }], IsTruncated: true, NextContinuationToken: 't2' });
    mock.on(ListObjectsV2Command, { ContinuationToken: 't2' }).resolves({ Contents: [{ Key: 'p/b', Size: 2 }], IsTruncated: true, NextContinuationToken: 't3' });
    mock.on(ListObjectsV2Command, { ContinuationToken: 't3' }).resolves({ Contents: [{ Key: 'p/c', Size: 3 }], IsTruncated: false });
    const keys: string[] = [];
    for await (const o of new S3ObjectStore(new S3Client({ region: 'ap-southeast-1' }), 'lake').list('p/')) keys.push(o.key);
    expect(keys).toEqual(['p/a', 'p/b', 'p/c']);
    mock.restore();
  });

  it('sends If-None-Match for an immutable write and reports a lost race as ObjectExistsError', async () => {
    const mock = mockClient(S3Client);
    const precondition = Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    mock.on(PutObjectCommand).rejectsOnce(precondition).resolves({});
    const store = new S3ObjectStore(new S3Client({ region: 'ap-southeast-1' }), 'lake');
    await expect(store.put('lake/kpi_values/a.parquet', 'x', { ifAbsent: true })).rejects.toBeInstanceOf(ObjectExistsError);
    expect(mock.commandCalls(PutObjectCommand)[0]!.args[0].input.IfNoneMatch).toBe('*');
    await store.put('state/x.json', '{}');
    expect(mock.commandCalls(PutObjectCommand)[1]!.args[0].input.IfNoneMatch).toBeUndefined();
    mock.restore();
  });
});
