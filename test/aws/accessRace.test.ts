import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { S3ObjectStore } from '../../functions/adapters/stores/S3ObjectStore.ts';
import { raceCreatesAndRevokes } from '../helpers/accessRace.ts';
import { startS3rver } from '../helpers/s3rver.ts';

let s3rver: Awaited<ReturnType<typeof startS3rver>>;
let s3: S3Client;

/** s3rver on loopback: the lake bucket as the query function sees it. */
beforeAll(async () => {
  s3rver = await startS3rver(['chiso-lake']);
  s3 = s3rver.s3;
});
afterAll(async () => { await s3rver.stop(); });

describe('links and tokens made and revoked at once, over S3 (s3rver)', () => {
  it('keeps every revoke that answered, and every link and code not revoked', async () => {
    await raceCreatesAndRevokes(new S3ObjectStore(s3, 'chiso-lake'));
  }, 120_000);
});
