import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefaultCatalog } from '../../schemas/catalog.ts';
import { FsObjectStore } from '../../functions/adapters/FsObjectStore.ts';
import { indexCatalog } from '../../functions/core/ingestContext.ts';
import { writeDimensions } from '../../functions/ingest/dimensions.ts';
import { ingestFile } from '../../functions/ingest/ingestFile.ts';
import { loadDemoOnce } from '../../functions/local/loadDemo.ts';

/** The demo lake, built once through the real pipeline, as `npm start` builds it. */
export async function buildDemoLake(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-demo-'));
  const store = new FsObjectStore(dir);
  const catalog = indexCatalog(loadDefaultCatalog());
  await writeDimensions(store, catalog.catalog);
  const deps = { store, catalog, now: () => new Date('2025-02-01T00:00:00Z'), utcOffsetHours: 7 };
  const results = await loadDemoOnce(store, (input) => ingestFile(input, deps));
  const rejected = results!.filter((r) => r.status === 'rejected').map((r) => r.file);
  if (rejected.length !== 2) throw new Error(`demo: expected 2 rejected files, got ${rejected.join(', ')}`);
  return dir;
}
