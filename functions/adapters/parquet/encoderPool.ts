import { Worker } from 'node:worker_threads';
import type { KpiRecord } from '../../domain/types.ts';
import type { EncodedPartition, KpiFileMeta, PartitionEncoder } from '../../ports/PartitionEncoder.ts';
import { encodeInThread, kpiValuesFile } from './kpiValuesFile.ts';

/** Partitions sent to a helper in one message: few messages, yet an even share of the work. */
const BATCH_PARTS = 64;
/** Batches a helper holds at once: one being encoded, one waiting, so it never idles. */
const BATCHES_IN_FLIGHT = 2;
/** Encoded files waiting to be written, at most: a slow disk holds the helpers back. */
const MAX_WAITING = 8 * BATCH_PARTS;
/**
 * The helper's young generation: its garbage is many small short-lived buffers, and a small
 * nursery keeps a 250,000-row file's ingest under 300 MB (the default took 20 MB more, no faster).
 */
const NURSERY_MB = 4;
/** Files with fewer partitions are encoded in the ingest's own thread: a form has one. */
export const SHARE_FROM_PARTS = 256;

export interface EncodeRequest { id: number; parts: KpiRecord[][]; meta: KpiFileMeta }
export type EncodeReply = { id: number; files: Uint8Array[] } | { id: number; error: string } | { ready: true };

/** The helper's side: a batch of partitions in, their files out (their buffers are handed over, not copied). */
export function encodeBatch(request: EncodeRequest): { reply: EncodeReply; transfer: ArrayBuffer[] } {
  try {
    const files = request.parts.map((records) => kpiValuesFile(records, request.meta));
    return { reply: { id: request.id, files }, transfer: files.map((f) => f.buffer as ArrayBuffer) };
  } catch (error) {
    return { reply: { id: request.id, error: error instanceof Error ? error.message : String(error) }, transfer: [] };
  }
}

class Helper {
  readonly worker: Worker;
  inFlight = 0;
  dead = false;
  private nextId = 1;
  private readonly jobs = new Map<number, { resolve: (files: Uint8Array[]) => void; reject: (e: Error) => void }>();

  constructor(workerUrl: URL, heapMb: number) {
    this.worker = new Worker(workerUrl, { resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: NURSERY_MB } });
    this.worker.unref();
    this.worker.on('message', (m: EncodeReply) => {
      if ('ready' in m) return;
      const job = this.jobs.get(m.id);
      this.jobs.delete(m.id);
      if ('files' in m) job?.resolve(m.files);
      else job?.reject(new Error(m.error));
    });
    const die = (why: Error) => {
      this.dead = true;
      for (const job of this.jobs.values()) job.reject(why);
      this.jobs.clear();
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`encoder thread exited (${code})`)));
  }

  run(parts: KpiRecord[][], meta: KpiFileMeta): Promise<Uint8Array[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      this.worker.postMessage({ id, parts, meta } satisfies EncodeRequest);
    });
  }
}

export interface EncoderPool {
  encode: PartitionEncoder;
  /** Stops the helper threads (they never keep a process alive). */
  close(): Promise<void>;
}

/**
 * Encodes a large file's partitions on `helpers` other threads as well as the ingest's own: a
 * 250,000-row table is 17,000 small Parquet files, each mostly fixed cost in the writer. The
 * helpers start with the first such file and stay; one that dies is replaced at the next file,
 * and its batches are encoded in the ingest's thread, so a file never fails for it.
 */
export function createEncoderPool(options: { workerUrl: URL; helpers: number; heapMb?: number }): EncoderPool {
  let helpers: Helper[] = [];

  async function* encode(parts: KpiRecord[][], meta: KpiFileMeta): AsyncGenerator<EncodedPartition> {
    if (options.helpers < 1 || parts.length < SHARE_FROM_PARTS) {
      yield* encodeInThread(parts, meta);
      return;
    }
    helpers = helpers.filter((h) => !h.dead);
    while (helpers.length < options.helpers) helpers.push(new Helper(options.workerUrl, options.heapMb ?? 256));
    const batches: KpiRecord[][][] = [];
    for (let i = 0; i < parts.length; i += BATCH_PARTS) batches.push(parts.slice(i, i + BATCH_PARTS));
    let next = 0;
    let outstanding = 0;
    const done: EncodedPartition[] = [];
    let taken = 0;
    let wake: (() => void) | null = null;
    let failure: unknown = null;
    const feed = () => {
      for (const h of helpers) {
        while (!h.dead && h.inFlight < BATCHES_IN_FLIGHT && next < batches.length && done.length - taken < MAX_WAITING) {
          const batch = batches[next++]!;
          h.inFlight++;
          outstanding++;
          h.run(batch, meta).then(
            (files) => { files.forEach((file, i) => done.push({ records: batch[i]!, file })); },
            () => {
              // The helper died (out of memory, stopped): this batch is encoded here instead.
              try {
                for (const records of batch) done.push({ records, file: kpiValuesFile(records, meta) });
              } catch (error) {
                failure = error;
              }
            },
          ).finally(() => {
            h.inFlight--;
            outstanding--;
            feed();
            wake?.();
          });
        }
      }
    };
    feed();
    for (;;) {
      if (failure) throw failure;
      if (taken < done.length) {
        const item = done[taken]!;
        done[taken++] = undefined as unknown as EncodedPartition; // written files are not held
        yield item;
        feed();
      } else if (next < batches.length) {
        // This thread takes a batch too, rather than wait; first the helpers' finished work is
        // let in (their messages wait for the event loop), and they are given more.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (taken < done.length || next >= batches.length) continue;
        for (const records of batches[next++]!) yield { records, file: kpiValuesFile(records, meta) };
      } else if (outstanding > 0) {
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = null;
      } else {
        return;
      }
    }
  }

  return {
    encode,
    async close() {
      await Promise.all(helpers.splice(0).map((h) => h.worker.terminate()));
    },
  };
}
