import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { S3ObjectStore } from '../../functions/adapters/stores/S3ObjectStore.ts';
import { raceCreatesAndRevokes } from '../helpers/accessRace.ts';

let server: S3rver;
let dir: string;
let s3: S3Client;

/** s3rver on loopback, on a port the OS picks: the lake bucket as the query function sees it. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-s3rver-access-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'chiso-lake', configs: [] }] });
  const { port } = (await server.run()) as { port: number };
  s3 = new S3Client({
    region: 'ap-southeast-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});
afterAll(async () => {
  s3.destroy();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('links and tokens made and revoked at once, over S3 (s3rver)', () => {
  it('keeps every revoke that answered, and every link and code not revoked', async () => {
    await raceCreatesAndRevokes(new S3ObjectStore(s3, 'chiso-lake'));
  }, 120_000);
});
