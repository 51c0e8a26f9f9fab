import { Worker } from 'node:worker_threads';

type Compacted = { periods: number; generation: number };

/**
 * Compaction on a thread of its own, kept for the server's life: DuckDB closes each instance
 * synchronously, and on the server's thread each close held the event loop for 117–331 ms
 * (measured during a large CSV's compaction), stalling /health and every page meanwhile.
 * Requests are run one at a time, in order; a failed one is reported and the next goes on.
 */
export function createCompactionThread(): { compact(dataDir: string): Promise<Compacted>; close(): Promise<void> } {
  let worker: Worker | null = null;
  let next = 0;
  const waiting = new Map<number, { resolve: (r: Compacted) => void; reject: (e: Error) => void }>();
  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
    worker = null;
  };
  const thread = () => {
    if (worker) return worker;
    const w = new Worker(new URL('./compactWorker.mjs', import.meta.url));
    w.unref();
    w.on('message', (m: { id: number; result?: Compacted; error?: string }) => {
      const entry = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.error !== undefined) entry?.reject(new Error(m.error));
      else entry?.resolve(m.result!);
    });
    w.on('error', (error) => failAll(error));
    w.on('exit', (code) => { if (worker === w) failAll(new Error(`compaction thread exited with ${code}`)); });
    worker = w;
    return w;
  };
  return {
    compact(dataDir) {
      const id = ++next;
      return new Promise<Compacted>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        thread().postMessage({ id, dataDir });
      });
    },
    async close() {
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}
