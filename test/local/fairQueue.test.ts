/**
 * "One input must never take the server down": the ingest queue takes room before a body is read,
 * bounds each account, and serves accounts in turn; names the upload folder writes stay legal
 * whatever the input; a full disk is a typed error with nothing left behind.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestInput, IngestResult } from '../../functions/services/ingestFile.ts';
import { createIngestQueue, IngestQueueFullError } from '../../functions/services/ingestQueue.ts';
import { boundedName, watchUploads } from '../../functions/runtimes/local/watchUploads.ts';

const result = (input: IngestInput): IngestResult => ({
  file: input.fileName, status: 'accepted', submission_id: '20250101T000000000Z-00000000', rows: 1, partitions: [], errors: [], layout: 'form',
  format: 'csv', sha256: '', duplicate_of: null, submitted_at: '', ingested_at: '', submitted_by: input.submittedBy ?? null,
});
const file = (name: string, unit: string, bytes = 10): IngestInput => ({ bytes: new Uint8Array(bytes), fileName: name, submittedBy: `clerk-${unit}`, allowedUnits: [unit] });

/** A run() that holds each file until the test lets it go, recording the order files started in. */
function gatedRunner() {
  const started: string[] = [];
  const gates: (() => void)[] = [];
  const run = (input: IngestInput) => new Promise<IngestResult>((resolve) => {
    started.push(input.fileName);
    gates.push(() => resolve(result(input)));
  });
  const releaseOne = async () => { gates.shift()?.(); await new Promise((r) => setTimeout(r, 0)); };
  return { started, run, releaseOne };
}

describe('the ingest queue', () => {
  it('serves units in turn: one unit\'s many files never starve another\'s', async () => {
    const g = gatedRunner();
    const queue = createIngestQueue(g.run, { concurrency: 1, maxWaiting: 64, maxWaitingBytes: 1e9, maxWaitingPerAccount: 10 });
    const done = [...['a1', 'a2', 'a3', 'a4', 'a5'].map((n) => queue.ingest(file(n, 'xa-a'))), queue.ingest(file('b1', 'xa-b')), queue.ingest(file('c1', 'xa-c'))];
    for (let i = 0; i < 7; i++) await g.releaseOne();
    await Promise.all(done);
    // a1 was already running; then b and c each get their turn before a's backlog.
    expect(g.started.slice(0, 4)).toEqual(['a1', 'a2', 'b1', 'c1']);
  });

  it('takes room before a body is read, at most two files waiting per account, and gives it back', async () => {
    const g = gatedRunner();
    const queue = createIngestQueue(g.run, { concurrency: 1, maxWaiting: 64, maxWaitingBytes: 120, maxWaitingPerAccount: 2 });
    const clerk = { submittedBy: 'clerk-a', allowedUnits: ['xa-a'] };
    const first = queue.reserve(clerk, 50);
    const second = queue.reserve(clerk, 50);
    // A third body from the same account is refused before a byte of it is read.
    expect(() => queue.reserve(clerk, 50)).toThrow(IngestQueueFullError);
    // Another unit is not refused for the first's files, until the bytes waiting are full.
    const other = queue.reserve({ submittedBy: 'clerk-b', allowedUnits: ['xa-b'] }, 20);
    expect(() => queue.reserve({ submittedBy: 'clerk-c', allowedUnits: ['xa-c'] }, 1)).toThrow(IngestQueueFullError);
    const refused = (() => { try { queue.reserve(clerk, 1); return null; } catch (e) { return e as IngestQueueFullError; } })();
    expect(refused?.retryAfterSeconds).toBeGreaterThan(0);
    // A body that failed to arrive gives its room back.
    second.release();
    const running = first.run(file('a1', 'xa-a', 50));
    const third = queue.reserve(clerk, 50);
    third.release();
    other.release();
    await g.releaseOne();
    await running;
    expect(queue.depth).toBe(0);
  });
});

describe('names the upload folder writes', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'chiso-names-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  // A legal name of 251 bytes: 83 × "ệ" (3 bytes each) and ".csv".
  const longName = `${'ệ'.repeat(82)}Q1.csv`;

  it('are cut by UTF-8 bytes on a character boundary, keeping the extension', () => {
    expect(Buffer.byteLength(longName)).toBeLessThanOrEqual(255);
    const name = boundedName('20250101T000000000Z-00000000__', longName);
    expect(Buffer.byteLength(`${name}.txt`)).toBeLessThanOrEqual(255);
    expect(name.endsWith('.csv')).toBe(true);
    expect(name).not.toMatch(/\uFFFD/);
    expect(boundedName('x__', 'a.csv')).toBe('x__a.csv');
  });

  it('a report under a long legal name is moved to processed/ with its answer, and one left in processing/ does not stop start-up', async () => {
    const uploads = join(dir, 'uploads');
    await mkdir(join(uploads, 'processing'), { recursive: true });
    // Left by a server that stopped on it: start-up must move it aside, not die.
    await writeFile(join(uploads, 'processing', longName), 'x');
    const seen: IngestResult[] = [];
    const watcher = await watchUploads(uploads, async (input) => result(input), (r) => seen.push(r));
    try {
      const failed = await readdir(join(uploads, 'failed'));
      expect(failed.filter((f) => f.endsWith('.txt'))).toHaveLength(1);
      expect(await readdir(join(uploads, 'processing'))).toEqual([]);
      await writeFile(join(uploads, longName), 'Đơn vị: Xã Liên Châu\n');
      const until = Date.now() + 20_000;
      let processed: string[] = [];
      while (Date.now() < until && !processed.some((f) => f.endsWith('.txt'))) {
        await new Promise((r) => setTimeout(r, 100));
        processed = await readdir(join(uploads, 'processed'));
      }
      expect(processed.filter((f) => f.endsWith('.txt'))).toHaveLength(1);
      expect(processed.filter((f) => f.endsWith('.csv'))).toHaveLength(1);
      expect(await readdir(join(uploads, 'processing'))).toEqual([]);
      expect(await readFile(join(uploads, 'processed', processed.find((f) => f.endsWith('.txt'))!), 'utf8')).toMatch(/^ĐÃ NHẬN/);
    } finally {
      watcher.close();
    }
  }, 30_000);
});
