/** The local server's compaction thread: folds the lake's periods when asked, one request at a time. */
import { parentPort } from 'node:worker_threads';
import { compactLake } from '../../adapters/duckdb/compactLake.ts';

parentPort!.on('message', async ({ id, dataDir }: { id: number; dataDir: string }) => {
  try {
    parentPort!.postMessage({ id, result: await compactLake(dataDir) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
