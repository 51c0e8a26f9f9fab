/**
 * A helper thread of the local ingest: encodes batches of partitions into Parquet files while the
 * ingest's own thread encodes others and writes them (see adapters/parquet/encoderPool.ts).
 */
import { parentPort } from 'node:worker_threads';
import { encodeBatch, type EncodeRequest } from '../../adapters/parquet/encoderPool.ts';

parentPort!.on('message', (request: EncodeRequest) => {
  const { reply, transfer } = encodeBatch(request);
  parentPort!.postMessage(reply, transfer);
});
parentPort!.postMessage({ ready: true });
