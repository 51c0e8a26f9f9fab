import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { raceCreatesAndRevokes } from '../helpers/accessRace.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'chiso-access-race-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('links and tokens made and revoked at once, over the data folder', () => {
  it('keeps every revoke that answered, and every link and code not revoked', async () => {
    await raceCreatesAndRevokes(new FsObjectStore(dir));
  }, 60_000);
});
