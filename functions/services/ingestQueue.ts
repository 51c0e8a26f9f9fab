import type { IngestInput, IngestResult } from './ingestFile.ts';

/** Too many files are waiting: the caller is told to come back (HTTP 503 with Retry-After). */
export class IngestQueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number, readonly perAccount = false) {
    super(perAccount ? 'this account already has files waiting' : 'the ingest queue is full');
    this.name = 'IngestQueueFullError';
  }
}

export interface QueueLimits {
  /** Ingests running at once: each holds a file's rows in memory. */
  concurrency: number;
  /** Files waiting (being received or queued), and their bytes together, beyond which new ones are refused. */
  maxWaiting: number;
  maxWaitingBytes: number;
  /** Files one account (a unit, else a submitter) may have waiting: one sender cannot fill the queue. */
  maxWaitingPerAccount: number;
}

export const DEFAULT_QUEUE: QueueLimits = { concurrency: 1, maxWaiting: 64, maxWaitingBytes: 256 * 1024 * 1024, maxWaitingPerAccount: 2 };

/** Who a file is queued for: its unit when the sender is bound to one, else the sender. */
export type Sender = Pick<IngestInput, 'submittedBy' | 'allowedUnits'>;
export const accountOf = (who: Sender) => (who.allowedUnits?.length ? `unit:${[...who.allowedUnits].sort().join(',')}` : `by:${who.submittedBy ?? ''}`);

/** Room taken in the queue before a body is read; `run` hands it the file, `release` gives it back. */
export interface Reservation {
  run(input: IngestInput): Promise<IngestResult>;
  release(): void;
}

/** Room taken for one upload, as the HTTP layer holds it: `ingest` once its body is read, or `release`. */
export interface Admission {
  ingest(input: IngestInput): Promise<IngestResult>;
  release(): void;
}

interface Job { input: IngestInput; resolve: (r: IngestResult) => void; reject: (e: unknown) => void; release: () => void }

/**
 * Ingests go through a bounded queue: memory is bounded by design (at most `concurrency` files
 * being read, and a known number of bytes waiting), and a burst beyond it is refused at once with
 * a time to retry, instead of being taken on until the process runs out of memory. Room is
 * reserved before an upload's body is received (its declared size), so bodies being received
 * count too. Accounts take turns (round robin): one account's many files never starve another's.
 */
export function createIngestQueue(run: (input: IngestInput) => Promise<IngestResult>, limits: QueueLimits = DEFAULT_QUEUE) {
  const queued = new Map<string, Job[]>(); // per account, in arrival order; the map's order is the turn
  const held = new Map<string, number>(); // per account: reservations not yet released
  let waiting = 0;
  let waitingBytes = 0;
  let running = 0;

  const next = () => {
    while (running < limits.concurrency && queued.size) {
      const [account, jobs] = queued.entries().next().value as [string, Job[]];
      const job = jobs.shift()!;
      // The account goes to the back of the turn (or out of it when it has nothing left).
      queued.delete(account);
      if (jobs.length) queued.set(account, jobs);
      job.release(); // a running file is bounded by `concurrency`, no longer by the waiting room
      running++;
      run(job.input).then(job.resolve, job.reject).finally(() => {
        running--;
        next();
      });
    }
  };

  const reserve = (account: string, bytes: number): Reservation => {
    const mine = held.get(account) ?? 0;
    if (mine >= limits.maxWaitingPerAccount) throw new IngestQueueFullError(Math.min(60, 10 * mine), true);
    if (waiting >= limits.maxWaiting || waitingBytes + bytes > limits.maxWaitingBytes) throw new IngestQueueFullError(Math.min(60, 5 + waiting));
    waiting++;
    waitingBytes += bytes;
    held.set(account, mine + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      waiting--;
      waitingBytes -= bytes;
      const left = (held.get(account) ?? 1) - 1;
      if (left) held.set(account, left);
      else held.delete(account);
    };
    return {
      release,
      run(input) {
        if (released) return Promise.reject(new Error('the reservation was released'));
        return new Promise<IngestResult>((resolve, reject) => {
          const jobs = queued.get(account) ?? [];
          jobs.push({ input, resolve, reject, release });
          if (!queued.has(account)) queued.set(account, jobs);
          next();
        });
      },
    };
  };

  return {
    /** Takes room for a file of `bytes` from `who`, before its body is read; throws IngestQueueFullError. */
    reserve: (who: Sender, bytes: number) => reserve(accountOf(who), bytes),
    ingest(input: IngestInput): Promise<IngestResult> {
      return reserve(accountOf(input), input.bytes.byteLength).run(input);
    },
    get depth() {
      return waiting + running;
    },
  };
}
