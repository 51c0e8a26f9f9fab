import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compactLake, planReads, readManifest, scanRawLake } from '../../functions/adapters/duckdb/compactLake.ts';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { ingestFile } from '../../functions/services/ingestFile.ts';
import { DuckDbEngine } from '../../functions/adapters/duckdb/DuckDbEngine.ts';
import { toRows } from '../../functions/http/render.ts';
import { catalogIndex } from '../helpers/lake.ts';
import { csvBytes } from '../helpers/workbook.ts';
import { loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';
import { createClock } from '../../functions/domain/clock.ts';

const queries = loadSavedQueries(SQL_DIR);
const CASES: [string, Record<string, string>][] = [
  ['district_scorecard', { period: '2024-Q4' }],
  ['unit_report', { unit: 'xa-lien-chau', period: '2024-Q4' }],
  ['indicator_trend', { indicator: 'DOC_ONLINE', from: '2023-Q1', to: '2024-Q4' }],
  ['unit_ranking', { period: '2024-Q3' }],
  ['missing_submissions', { period: '2024-Q4', as_of: '2025-01-20' }],
  ['submission_log', { from: '2023-01-01', to: '2025-12-31' }],
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-compact-'));
  await cp(inject('demoLake'), dir, { recursive: true });
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const answersOf = (engine: DuckDbEngine) => Promise.all(CASES.map(async ([name, params]) => toRows(await engine.run(queries.get(name)!.sql, params))));

/** Every case's answer from an engine that plans the lake as it is now. */
async function answers(): Promise<unknown[]> {
  const engine = await DuckDbEngine.open(dir);
  try {
    return await answersOf(engine);
  } finally {
    await engine.close();
  }
}

const deps = () => ({ store: new FsObjectStore(dir), catalog: catalogIndex, clock: createClock(7, () => new Date('2025-02-01T00:00:00Z')) });
async function submit(unit: string, fileName: string): Promise<void> {
  const result = await ingestFile({
    bytes: csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: Quý III/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,7,10\n`),
    fileName, submittedAt: new Date('2025-01-21T00:00:00Z'),
  }, deps());
  expect(result.status).toBe('accepted');
}

describe('compaction', () => {
  it('gives every saved query the same answer as the raw files, from one file per period', async () => {
    const before = await answers();
    const { periods } = await compactLake(dir);
    expect(periods).toBe(15);
    const plan = planReads(await scanRawLake(dir), await readManifest(dir), dir);
    expect(plan.rawKpi).toEqual([]);
    expect(plan.compactedKpi).toHaveLength(15);
    expect(plan.rawSubmissions).toEqual([]);
    expect(await answers()).toEqual(before);
    expect((await compactLake(dir)).periods).toBe(0);
  });

  it('shows a new submission at once, reading its period raw until compacted again', async () => {
    const deps = { store: new FsObjectStore(dir), catalog: catalogIndex, clock: createClock(7, () => new Date('2025-02-01T00:00:00Z')) };
    const result = await ingestFile({
      bytes: csvBytes('Đơn vị: Xã Yên Phương\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,9,10\n'),
      fileName: 'yp.csv', submittedAt: new Date('2025-01-20T00:00:00Z'),
    }, deps);
    expect(result.status).toBe('accepted');
    const plan = planReads(await scanRawLake(dir), await readManifest(dir), dir);
    expect(plan.stalePeriods).toEqual(['2024-Q4']);
    expect(plan.rawSubmissions).toHaveLength(1);
    const fresh = await answers();
    expect(fresh[4]).toEqual([]); // missing_submissions: Yên Phương has reported now
    expect((await compactLake(dir)).periods).toBe(1);
    expect(await answers()).toEqual(fresh);
  });

  it('never removes a file an engine planned before it still reads: replaced files go at the next compaction', async () => {
    const before = await answers();
    const planned = await DuckDbEngine.open(dir); // an engine generation from before the next two compactions
    try {
      const manifest = await readManifest(dir);
      const inUse = [manifest.submissions!.file, manifest.kpi_values['2024-Q3']!.file].map((f) => join(dir, f));
      await submit('Xã Liên Châu', 'lc-q3.csv');
      const { generation } = await compactLake(dir);
      // Compaction moves the lake version: every engine plans its views again at its next read.
      expect(readFileSync(join(dir, 'state/lake-version'), 'utf8')).toBe(`compacted-g${generation}`);
      expect(inUse.filter((f) => existsSync(f))).toEqual(inUse);
      expect(await answersOf(planned)).toEqual(before);

      await submit('Xã Tề Lỗ', 'tl-q3.csv');
      await compactLake(dir);
      expect(inUse.filter((f) => existsSync(f))).toEqual([]);
      // The engine that slept through both compactions answers: a read of a removed file made
      // it plan again, and it answers from the lake as it is from then on.
      await answersOf(planned);
      expect(await answersOf(planned)).toEqual(await answers());
    } finally {
      await planned.close();
    }
  });

  it('an engine whose view names a removed file plans again and answers, once', async () => {
    const engine = await DuckDbEngine.open(dir);
    try {
      const expected = await answersOf(engine);
      const manifest = await readManifest(dir);
      // Removed under the engine, as a compaction it did not hear of would.
      await rm(join(dir, manifest.submissions!.file));
      await rm(join(dir, manifest.kpi_values['2024-Q4']!.file));
      expect(await answersOf(engine)).toEqual(expected);
      await expect(engine.run("SELECT * FROM read_parquet('/nonexistent/x.parquet')", {})).rejects.toThrow(/No files found/);
    } finally {
      await engine.close();
    }
  });
});
