import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ingestError } from '../../domain/ingest/errors.ts';
import { ingestFile, newSubmissionId, recordUnfinished, type IngestDeps, type IngestInput, type IngestResult } from '../../services/ingestFile.ts';
import { isStorageFull } from '../../services/storageFull.ts';
import type { LocalDeployment } from '../config.ts';

export interface WorkerLimits {
  /** V8 old-generation heap of the worker: a file needing more is refused, the server lives. */
  heapMb: number;
  /** A file taking longer than this is stopped and refused. */
  timeoutMs: number;
}

/** 512 MB unless CHISO_INGEST_HEAP_MB says otherwise (the same for the server and the CLI). */
export const DEFAULT_WORKER: WorkerLimits = { heapMb: Number(process.env.CHISO_INGEST_HEAP_MB) || 512, timeoutMs: 5 * 60_000 };

/**
 * Runs each ingest in a worker thread with its own heap limit, one file at a time, so that
 * parsing never holds the server's event loop (/health answers during any ingest) and a file that
 * exhausts its heap or its time fails alone: the worker is replaced, whatever it wrote of that
 * submission is removed, and the submission is recorded as rejected with why.
 *
 * The worker is warm: started with the server (its TypeScript compiled and its services composed
 * once, ~1 s on this machine) and kept for every file after, so a clerk's form pays only its own
 * parse and write. One worker, not a pool: the ingest queue runs one file at a time (its memory
 * bound), and the machine's other cores already encode a large file's Parquet (encodeWorker).
 * A worker that dies is replaced at once, in the background, for the next file.
 */
export function createWorkerIngest(deployment: LocalDeployment, deps: IngestDeps, limits: WorkerLimits = DEFAULT_WORKER) {
  let worker: { thread: Worker; ready: Promise<void> } | null = null;
  let nextId = 1;
  let closed = false;
  /** Threads started so far: one for the server's life unless one died (tests count it). */
  let started = 0;
  const pending = new Map<number, { resolve: (r: IngestResult) => void; reject: (e: Error) => void }>();

  const start = () => {
    started++;
    const source = new URL('./ingestWorker.mjs', import.meta.url);
    const thread = new Worker(source, {
      workerData: deployment,
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb },
    });
    thread.unref();
    const ready = new Promise<void>((resolve, reject) => {
      thread.once('error', reject);
      thread.on('message', (m: { ready?: boolean; id?: number; result?: IngestResult; error?: string }) => {
        if (m.ready) return resolve();
        const job = pending.get(m.id!);
        if (!job) return;
        pending.delete(m.id!);
        if (m.result) job.resolve(m.result);
        else job.reject(new Error(m.error ?? 'ingest failed'));
      });
    });
    // Nobody may be waiting on a warm worker's start: its failure is seen by the next file.
    let wasReady = false;
    ready.then(() => { wasReady = true; }, () => undefined);
    const failAll = (why: Error) => {
      for (const [, job] of pending) job.reject(why);
      pending.clear();
      if (worker?.thread !== thread) return;
      worker = null;
      // One that had started and then died is replaced now; one that never started is tried
      // again by the next file (no loop of failing starts).
      if (wasReady) warm();
    };
    thread.on('error', failAll);
    thread.on('exit', (code) => failAll(Object.assign(new Error(`ingest worker exited (${code})`), { code: 'WORKER_EXIT' })));
    return { thread, ready };
  };
  /** A worker ready for the next file: the one that died (or was stopped) is replaced now, not when a file comes. */
  const warm = () => {
    if (!closed) worker ??= start();
  };
  warm();

  /** Removes what a worker that died may have written of a submission (its record never was). */
  const removePartial = async (submissionId: string) => {
    const root = join(deployment.dataDir, 'lake/kpi_values');
    for (const unit of await readdir(root).catch(() => [] as string[])) {
      for (const period of await readdir(join(root, unit)).catch(() => [] as string[])) {
        await rm(join(root, unit, period, `${submissionId}.parquet`), { force: true });
      }
    }
  };

  async function ingest(input: IngestInput): Promise<IngestResult> {
    const submittedAt = input.submittedAt ?? deps.clock.now();
    const job: IngestInput = { ...input, submittedAt, submissionId: input.submissionId ?? newSubmissionId(submittedAt) };
    worker ??= start();
    const current = worker;
    try {
      await current.ready;
    } catch (error) {
      // The worker could not start at all: ingest in this thread rather than lose the file.
      if (worker === current) worker = null;
      console.error('ingest worker did not start; ingesting in the server thread:', error);
      return ingestFile(job, deps);
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<IngestResult>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        timer = setTimeout(() => {
          pending.delete(id);
          reject(Object.assign(new Error('ingest timed out'), { code: 'WORKER_TIMEOUT' }));
          void current.thread.terminate();
        }, limits.timeoutMs);
        // The bytes are copied to the worker: the caller's buffer stays the caller's.
        current.thread.postMessage({ id, input: job });
      });
    } catch (error) {
      // A full disk is not the file's fault, and no record could be written: the caller answers 507.
      if (isStorageFull(error)) {
        await removePartial(job.submissionId!);
        await rm(join(deployment.dataDir, 'originals', job.submissionId!), { recursive: true, force: true });
        throw error;
      }
      // The worker ran out of heap or time, died, or failed to write: this file fails alone.
      if (worker === current) worker = null;
      void current.thread.terminate();
      warm();
      await removePartial(job.submissionId!);
      const code = (error as { code?: string }).code;
      const why = code === 'WORKER_TIMEOUT' ? ingestError('FILE_TOO_COMPLEX', {}, { detail: `> ${Math.round(limits.timeoutMs / 1000)} s` })
        : code === 'ERR_WORKER_OUT_OF_MEMORY' || code === 'WORKER_EXIT' ? ingestError('FILE_TOO_COMPLEX', {}, { detail: `> ${limits.heapMb} MB` })
        : ingestError('WRITE_FAILED', {}, { detail: (error as Error).message.slice(0, 200) });
      console.error(`ingest of ${input.fileName} failed in its worker (${code ?? (error as Error).message}); recorded as rejected`);
      return recordUnfinished({ ...job, submissionId: job.submissionId! }, why, deps);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the worker (a CLI run ends; an unref'd worker's port may still hold the process). */
  const close = async () => {
    closed = true;
    const current = worker;
    worker = null;
    if (current) await current.thread.terminate();
  };
  return Object.assign(ingest, { close, threadsStarted: () => started });
}
