import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexCatalog } from '../../functions/domain/ingest/ingestContext.ts';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import type { ObjectStore } from '../../functions/ports/ObjectStore.ts';
import { ingestFile, type IngestDeps, type IngestResult } from '../../functions/services/ingestFile.ts';
import { openDuckDbLake } from '../../functions/adapters/duckdb/duckDbLake.ts';
import { loadDefaultCatalog } from '../../functions/adapters/files/catalogFiles.ts';
import { createClock } from '../../functions/domain/clock.ts';

export const catalogIndex = indexCatalog(loadDefaultCatalog());

/** A throw-away data folder with the real store, the real pipeline and a fixed clock. */
export async function tempLake(options: { now?: Date; store?: (fs: FsObjectStore) => ObjectStore } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-test-'));
  const fs = new FsObjectStore(dir);
  let clock = options.now ?? new Date('2025-01-15T03:00:00Z');
  const deps: IngestDeps = {
    store: options.store ? options.store(fs) : fs,
    catalog: catalogIndex,
    clock: createClock(7, () => clock),
  };
  return {
    dir,
    fs,
    deps,
    setNow: (d: Date) => { clock = d; },
    ingest: (bytes: Uint8Array, fileName: string): Promise<IngestResult> => ingestFile({ bytes, fileName }, deps),
    /** Runs SQL over the lake in DuckDB; rows as plain objects (BIGINT as number). */
    query: async (sql: string): Promise<Record<string, unknown>[]> => {
      const lake = await openDuckDbLake(dir);
      try {
        const reader = await lake.connection.runAndReadAll(sql);
        return reader.getRowObjectsJS().map((row) =>
          Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
      } finally {
        lake.close();
      }
    },
    /** Every file under the data folder, relative. */
    files: async (prefix = ''): Promise<string[]> => {
      const keys: string[] = [];
      for await (const o of fs.list(prefix)) keys.push(o.key);
      return keys;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export type TempLake = Awaited<ReturnType<typeof tempLake>>;
