import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { S3DirectUpload } from '../../functions/adapters/stores/S3DirectUpload.ts';
import type { DirectUpload } from '../../functions/ports/DirectUpload.ts';
import { composeQuery } from '../../functions/runtimes/compose.ts';
import { importRegistry } from '../../functions/services/registry.ts';
import { listen } from './appServer.ts';
import { EVIDENCE_PROVINCE_FILES } from './evidenceProvince.ts';
import { provinceReport } from './provinceRegistry.ts';
import { startStrictS3rver } from './strictS3rver.ts';
import { csvBytes } from './workbook.ts';

export const UPLOAD_BUCKET = 'chiso-uploads';

/**
 * The app composed as on AWS for the clerk's uploads: its forms post to an upload bucket (s3rver on
 * loopback, judging POST policies as S3 does), on 20/10/2026 with Quý III/2026's values of two
 * communes, served on loopback (`host`: "localhost" puts the app on another site than the bucket
 * at 127.0.0.1, as on AWS). Every read of a staged file is noted in `reads`.
 */
export async function directUploadApp(options: { host?: string } = {}) {
  const s3rver = await startStrictS3rver([UPLOAD_BUCKET]);
  const dir = await mkdtemp(join(tmpdir(), 'chiso-direct-'));
  const now = new Date('2026-10-20T02:00:00Z');
  await importRegistry(new FsObjectStore(dir), EVIDENCE_PROVINCE_FILES, now);
  const bucket = await S3DirectUpload.create(s3rver.s3, UPLOAD_BUCKET, { endpoint: s3rver.endpoint });
  const reads: string[] = [];
  const directUpload: DirectUpload = {
    origin: bucket.origin,
    form: (input) => bucket.form(input),
    size: (key) => bucket.size(key),
    read: (key) => { reads.push(key); return bucket.read(key); },
    remove: (key) => bucket.remove(key),
  };
  const services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 }, { now: () => now, directUpload });
  const accounts = {
    clerk: await services.tokens.issue({ name: 'Văn thư xã Yên Lạc', role: 'staff', unit: 'xa-yen-lac' }),
    otherClerk: await services.tokens.issue({ name: 'Văn thư xã Tề Lỗ', role: 'staff', unit: 'xa-te-lo' }),
    appraiser: await services.tokens.issue({ name: 'Anh Minh (Sở KH&CN)', role: 'appraiser', unit: null }),
  };
  const values = await services.ingest({ bytes: csvBytes(provinceReport('Quý III/2026', [['xa-yen-lac', 60, false], ['xa-te-lo', 70, true]])), fileName: 'so-lieu.csv' });
  expect(values.errors).toEqual([]);
  services.runner.lakeChanged();
  const server = await listen(services.app);
  const base = options.host ? server.base.replace('127.0.0.1', options.host) : server.base;
  return {
    s3rver, dir, services, accounts, reads, base,
    close: async () => {
      await server.close();
      await services.close();
      await s3rver.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
