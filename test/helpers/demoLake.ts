import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { indexCatalog } from '../../functions/domain/ingest/ingestContext.ts';
import { writeDimensions } from '../../functions/services/dimensions.ts';
import { ingestFile } from '../../functions/services/ingestFile.ts';
import { loadDemoOnce } from '../../functions/services/loadDemo.ts';
import { loadDefaultCatalog } from '../../functions/adapters/files/catalogFiles.ts';
import { createClock } from '../../functions/domain/clock.ts';

/** The demo lake, built once through the real pipeline, as `npm start` builds it. */
export async function buildDemoLake(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-demo-'));
  const store = new FsObjectStore(dir);
  const catalog = indexCatalog(loadDefaultCatalog());
  await writeDimensions(store, catalog.catalog);
  const deps = { store, catalog, clock: createClock(7, () => new Date('2026-11-01T00:00:00Z')) };
  const results = await loadDemoOnce(store, (input) => ingestFile(input, deps));
  const rejected = results!.filter((r) => r.status === 'rejected').map((r) => r.file);
  if (rejected.length !== 2) throw new Error(`demo: expected 2 rejected files, got ${rejected.join(', ')}`);
  return dir;
}
