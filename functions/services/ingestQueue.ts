import type { IngestInput, IngestResult } from './ingestFile.ts';

/** Too many files are waiting: the caller is told to come back (HTTP 503 with Retry-After). */
export class IngestQueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('the ingest queue is full');
    this.name = 'IngestQueueFullError';
  }
}

export interface QueueLimits {
  /** Ingests running at once: each holds a file's rows in memory. */
  concurrency: number;
  /** Files waiting, and their bytes together, beyond which new ones are refused. */
  maxWaiting: number;
  maxWaitingBytes: number;
}

export const DEFAULT_QUEUE: QueueLimits = { concurrency: 1, maxWaiting: 64, maxWaitingBytes: 256 * 1024 * 1024 };

/**
 * Ingests go through a bounded queue: memory is bounded by design (at most `concurrency` files
 * being read, and a known number of bytes waiting), and a burst beyond it is refused at once with
 * a time to retry, instead of being taken on until the process runs out of memory.
 */
export function createIngestQueue(run: (input: IngestInput) => Promise<IngestResult>, limits: QueueLimits = DEFAULT_QUEUE) {
  const waiting: { input: IngestInput; resolve: (r: IngestResult) => void; reject: (e: unknown) => void }[] = [];
  let waitingBytes = 0;
  let running = 0;

  const next = () => {
    while (running < limits.concurrency && waiting.length) {
      const job = waiting.shift()!;
      waitingBytes -= job.input.bytes.byteLength;
      running++;
      run(job.input).then(job.resolve, job.reject).finally(() => {
        running--;
        next();
      });
    }
  };

  return {
    ingest(input: IngestInput): Promise<IngestResult> {
      if (waiting.length >= limits.maxWaiting || waitingBytes + input.bytes.byteLength > limits.maxWaitingBytes) {
        return Promise.reject(new IngestQueueFullError(Math.min(60, 5 + waiting.length)));
      }
      return new Promise<IngestResult>((resolve, reject) => {
        waiting.push({ input, resolve, reject });
        waitingBytes += input.bytes.byteLength;
        next();
      });
    },
    get depth() {
      return waiting.length + running;
    },
  };
}
