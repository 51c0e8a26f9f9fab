/**
 * One measured ingest in a fresh process, so its peak RSS is its own: prints JSON.
 * usage: node --import tsx bench/ingestOne.ts <file> <data-dir> <unit-count>
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { FsObjectStore } from '../functions/adapters/stores/FsObjectStore.ts';
import { indexCatalog } from '../functions/domain/ingest/ingestContext.ts';
import { ingestFile } from '../functions/services/ingestFile.ts';
import { syntheticCatalog } from './syntheticDistrict.ts';
import { createClock } from '../functions/domain/clock.ts';
import { createEncoderPool } from '../functions/adapters/parquet/encoderPool.ts';
import { availableParallelism } from 'node:os';

const [file, dataDir, unitCount, mode] = process.argv.slice(2);
const catalog = indexCatalog(syntheticCatalog(Number(unitCount)));
const store = new FsObjectStore(dataDir!);
const bytes = await readFile(file!);
if (mode === 'read-only') {
  // Read, detect, match, parse and validate: everything but writing the lake.
  const { extractSubmission } = await import('../functions/domain/ingest/extractSubmission.ts');
  const { readCsv } = await import('../functions/adapters/readers/readCsv.ts');
  const { readXlsx } = await import('../functions/adapters/readers/readXlsx.ts');
  const t0 = performance.now();
  const extraction = await extractSubmission(file!.endsWith('.csv') ? readCsv(bytes, file!) : readXlsx(bytes), file!, catalog, '2099-01-01');
  console.log(JSON.stringify({ status: extraction.errors.length ? 'rejected' : 'accepted', errors: extraction.errors.slice(0, 3), rows: extraction.records.length, seconds: (performance.now() - t0) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024, parquetBytes: 0, parquetFiles: 0 }));
  process.exit(0);
}
// As the local server composes it (runtimes/compose.ts): the other cores encode too, their
// threads started by this first large file.
const encoder = createEncoderPool({ workerUrl: new URL('../functions/runtimes/local/encodeWorker.mjs', import.meta.url), helpers: Math.min(3, availableParallelism() - 1) });
const start = performance.now();
const result = await ingestFile({ bytes, fileName: file! }, { store, catalog, clock: createClock(7, () => new Date()), encode: encoder.encode });
const seconds = (performance.now() - start) / 1000;
let parquetBytes = 0;
let parquetFiles = 0;
for await (const o of store.list('lake/kpi_values/')) { parquetBytes += o.size; parquetFiles++; }
await encoder.close();
console.log(JSON.stringify({
  status: result.status, errors: result.errors.slice(0, 3), rows: result.rows, seconds,
  maxRssMB: process.resourceUsage().maxRSS / 1024, parquetBytes, parquetFiles,
}));
