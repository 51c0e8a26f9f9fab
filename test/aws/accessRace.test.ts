import type { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { S3ObjectStore } from '../../functions/adapters/stores/S3ObjectStore.ts';
import { raceAccountChanges, raceBulkCreation, sessionCheckCost } from '../helpers/accountRace.ts';
import { raceCreatesAndRevokes } from '../helpers/accessRace.ts';
import { startStrictS3rver as startS3rver } from '../helpers/strictS3rver.ts';

let s3rver: Awaited<ReturnType<typeof startS3rver>>;
let s3: S3Client;
let dir: string;

/** s3rver on loopback: the lake bucket as the query function sees it; and a folder, as locally. */
beforeAll(async () => {
  s3rver = await startS3rver(['chiso-lake', 'chiso-accounts', 'chiso-bulk']);
  s3 = s3rver.s3;
  dir = await mkdtemp(join(tmpdir(), 'chiso-access-race-'));
});
afterAll(async () => {
  await s3rver.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('links and tokens made and revoked at once, over S3 (s3rver)', () => {
  it('keeps every revoke that answered, and every link and code not revoked', async () => {
    await raceCreatesAndRevokes(new S3ObjectStore(s3, 'chiso-lake'));
  }, 120_000);
});

describe('administrators acting on the same account at once', () => {
  it('over S3 (s3rver): no change lost, one re-issue of many, a losing change refused whole', async () => {
    await raceAccountChanges(new S3ObjectStore(s3, 'chiso-accounts'));
  }, 120_000);
  it('over a folder: the same', async () => {
    await raceAccountChanges(new FsObjectStore(join(dir, 'accounts')));
  }, 120_000);
  it('bulk creation pressed twice at once makes one clerk per unit, over S3 and over a folder', async () => {
    await raceBulkCreation(new S3ObjectStore(s3, 'chiso-bulk'));
    await raceBulkCreation(new FsObjectStore(join(dir, 'bulk')));
  }, 120_000);
  it('checking a signed-in browser stays three GETs, no listing, no write', async () => {
    for (const store of [new S3ObjectStore(s3, 'chiso-accounts'), new FsObjectStore(join(dir, 'cost'))]) {
      expect(await sessionCheckCost(store)).toEqual({ get: 3, put: 0, list: 0, delete: 0 });
    }
  }, 60_000);
});
