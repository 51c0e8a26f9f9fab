import { assetPath } from '../assets.ts';
import { loadDefaultCatalog } from '../../schemas/catalog.ts';
import type { Config } from '../config.ts';
import { FsObjectStore } from '../adapters/FsObjectStore.ts';
import { indexCatalog } from '../core/ingestContext.ts';
import { writeDimensions } from '../ingest/dimensions.ts';
import { ingestFile, type IngestDeps, type IngestInput } from '../ingest/ingestFile.ts';
import { loadSavedQueries } from '../query/savedQueries.ts';

export const SQL_DIR = assetPath('sql');

/** The pieces every local entry point (server, CLI) wires the same way. */
export async function localServices(config: Config) {
  const store = new FsObjectStore(config.dataDir);
  const catalog = indexCatalog(loadDefaultCatalog());
  const queries = loadSavedQueries(SQL_DIR);
  await writeDimensions(store, catalog.catalog);
  const ingestDeps: IngestDeps = { store, catalog, now: () => new Date(), utcOffsetHours: config.utcOffsetHours };
  return {
    store,
    catalog,
    queries,
    ingestDeps,
    ingest: (input: IngestInput) => ingestFile(input, ingestDeps),
  };
}
