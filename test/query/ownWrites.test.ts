import { Table, vectorFromArray } from 'apache-arrow';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { DuckDbEngine } from '../../functions/adapters/duckdb/DuckDbEngine.ts';
import { lakeKeys } from '../../functions/domain/lakeKeys.ts';
import type { ObjectStore } from '../../functions/ports/ObjectStore.ts';
import type { QueryEngine } from '../../functions/ports/QueryEngine.ts';
import { composeQuery } from '../../functions/runtimes/compose.ts';
import { createQueryRunner } from '../../functions/services/savedQueryRunner.ts';
import { csvBytes } from '../helpers/workbook.ts';

/** Lets every pending promise callback run (nothing here waits on I/O or a clock). */
const settle = () => new Promise<void>((r) => setImmediate(r));

function memoryStore(): ObjectStore {
  const objects = new Map<string, Uint8Array>();
  return {
    async get(key) { return objects.get(key) ?? null; },
    async put(key, body) { objects.set(key, typeof body === 'string' ? Buffer.from(body) : body); },
    async delete(key) { objects.delete(key); },
    async *list() { /* not needed */ },
  };
}

/** An engine whose every refresh waits until the test releases it, then answers from the lake it saw when asked. */
class HeldEngine implements QueryEngine {
  lake = 'v0';
  private served = 'none';
  private readonly held: (() => void)[] = [];
  get waiting(): number { return this.held.length; }
  refresh(): Promise<void> {
    const seen = this.lake;
    return new Promise((resolve) => this.held.push(() => { this.served = seen; resolve(); }));
  }
  release(): void { for (const r of this.held.splice(0)) r(); }
  async run(): Promise<Table> { return new Table({ lake: vectorFromArray([this.served]) }); }
  async close(): Promise<void> {}
}

async function refreshAsked(engine: HeldEngine): Promise<void> {
  while (engine.waiting === 0) await settle();
}
const lakeOf = (table: Table) => table.getChild('lake')!.get(0) as string;

afterEach(() => { vi.useRealTimers(); });

describe('a process sees its own writes', () => {
  it('a read after lakeChanged() waits for the refresh that write started, however long it takes, then sees it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const store = memoryStore();
    const engine = new HeldEngine();
    const runner = createQueryRunner({ engine, store });
    await store.put(lakeKeys.lakeVersion, 'v1');
    engine.lake = 'v1';
    const first = runner.runSql('SELECT 1', {});
    await refreshAsked(engine);
    engine.release();
    expect(lakeOf(await first)).toBe('v1');

    // This process writes, then reads at once.
    engine.lake = 'v2';
    await store.put(lakeKeys.lakeVersion, 'v2');
    runner.lakeChanged();
    let answered = false;
    const read = runner.runSql('SELECT 1', {}).then((t) => { answered = true; return t; });
    await refreshAsked(engine);
    await vi.advanceTimersByTimeAsync(60_000); // a very busy machine: still no answer from before the write
    await settle();
    expect(answered).toBe(false);
    engine.release();
    expect(lakeOf(await read)).toBe('v2');
    expect(await runner.lakeVersion()).toBe('v2');

    // Another process's write: answered from the previous version while the engine catches up.
    engine.lake = 'v3';
    await store.put(lakeKeys.lakeVersion, 'v3');
    await vi.advanceTimersByTimeAsync(300); // past the version's 250 ms
    let stale: Table | null = null;
    void runner.runSql('SELECT 1', {}).then((t) => { stale = t; });
    await refreshAsked(engine);
    await settle();
    expect(lakeOf(stale!)).toBe('v2');
    engine.release();
    await settle();
    expect(lakeOf(await runner.runSql('SELECT 1', {}))).toBe('v3');
  });

  it('a DuckDB refresh asked for while one is under way reads the lake again after it', async () => {
    let lake = 1;
    let entered = () => {};
    let gate: Promise<void> = Promise.resolve();
    const engine = await DuckDbEngine.open('/nonexistent', 1, async (c) => {
      const seen = lake;
      entered();
      await gate;
      await c.run(`CREATE OR REPLACE VIEW lake AS SELECT ${seen} AS n`);
    });
    try {
      let open!: () => void;
      gate = new Promise((r) => { open = r; });
      const planning = new Promise<void>((r) => { entered = r; });
      const before = engine.refresh(); // lists the lake, then waits
      await planning;
      lake = 2; // a write lands while that refresh is under way
      const after = engine.refresh();
      open();
      await Promise.all([before, after]);
      expect(Number((await engine.run('SELECT n FROM lake', {})).getChild('n')!.get(0))).toBe(2);
    } finally {
      await engine.close();
    }
  });

  it('end to end with DuckDB: a report accepted over HTTP is in the next answer, however long the engine takes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chiso-own-'));
    await cp(inject('demoLake'), dir, { recursive: true });
    const services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 }, { now: () => new Date('2025-02-01T00:00:00Z') });
    try {
      const analyst = { Authorization: `Bearer ${await services.tokens.issue({ name: 'analyst', role: 'analyst', unit: null })}` };
      const url = '/api/queries/unit_report?unit=xa-te-lo&period=2024-Q4';
      await services.app.request(url, { headers: analyst });
      // Every refresh of the engine from here on waits for the test.
      const refresh = services.engine.refresh.bind(services.engine);
      let release!: () => void;
      const held = new Promise<void>((r) => { release = r; });
      services.engine.refresh = (written?: readonly string[]) => held.then(() => refresh(written));
      const put = await services.app.request('/api/submissions?filename=te-lo-q4.csv', {
        method: 'PUT', headers: analyst,
        body: csvBytes('Đơn vị: Xã Tề Lỗ\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,OFFICIAL_EMAIL,39,40\n'),
      });
      expect(put.status).toBe(201);
      const answer = Promise.resolve(services.app.request(url, { headers: analyst }));
      // Longer than any wait the runner used to give up after: still no answer without the write.
      const early = await Promise.race([answer.then(() => 'answered'), new Promise((r) => setTimeout(r, 1500, 'waiting'))]);
      expect(early).toBe('waiting');
      release();
      const rows = (await (await answer).json()) as { indicator_code: string; value: number | null }[];
      expect(rows.find((r) => r.indicator_code === 'OFFICIAL_EMAIL')!.value).toBe(97.5);
    } finally {
      await services.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
