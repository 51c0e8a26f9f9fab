/**
 * The worker thread that ingests files for the local server, with its own heap limit: a file that
 * needs more memory than that ends this thread, not the server. It composes the same ingest
 * services as every face (over the same data folder) and answers one file at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ingestFile, type IngestInput } from '../../services/ingestFile.ts';
import { composeIngest } from '../compose.ts';
import type { LocalDeployment } from '../config.ts';

const services = await composeIngest(workerData as LocalDeployment);

parentPort!.on('message', async (message: { id: number; input: IngestInput }) => {
  try {
    await services.registry.refresh();
    const result = await ingestFile(message.input, services.ingestDeps);
    parentPort!.postMessage({ id: message.id, result });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
});
parentPort!.postMessage({ ready: true });
