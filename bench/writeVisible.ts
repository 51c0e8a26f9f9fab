/**
 * Write-to-visible: one more clerk's monthly form lands in a lake an engine is serving, and the
 * writer's next query (unit_report of that unit and month, through the runner as the server
 * answers it) must show her value. Timed from the first byte written to the answer; the engine's
 * refresh alone is timed too, and what each refresh read is counted.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DuckDbEngine } from '../functions/adapters/duckdb/DuckDbEngine.ts';
import { FsObjectStore } from '../functions/adapters/stores/FsObjectStore.ts';
import { lakeKeys } from '../functions/domain/lakeKeys.ts';
import type { Catalog } from '../functions/domain/types.ts';
import type { SavedQuery } from '../functions/domain/queries/savedQueries.ts';
import { createQueryRunner } from '../functions/services/savedQueryRunner.ts';
import { toRows } from '../functions/http/render.ts';
import { seeded } from './syntheticDistrict.ts';
import { submissionIdAt, writeSyntheticSubmission } from './syntheticLake.ts';

export interface WriteVisible {
  total: { p50: number; p95: number };
  /** Writing the two files (values, record) and the lake version. */
  write: { p50: number; p95: number };
  refresh: { p50: number; p95: number };
  kinds: string[];
  filesRead: number;
}

const pct = (times: number[], q: number) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.ceil(times.length * q) - 1)]!;

/**
 * `runs` corrections of `period` by different units. The files written are removed afterwards so the
 * lake stays as built: the engine must be closed after this (it still names them).
 */
export async function writeToVisible(engine: DuckDbEngine, lakeDir: string, catalog: Catalog, period: string, unitReport: SavedQuery, runs = 20): Promise<WriteVisible> {
  const store = new FsObjectStore(lakeDir);
  const runner = createQueryRunner({ engine, store });
  const random = seeded(99);
  const written: string[] = [];
  const total: number[] = [];
  const write: number[] = [];
  const refresh: number[] = [];
  const kinds: string[] = [];
  let filesRead = 0;
  // The engine's refresh, timed where the runner calls it.
  const original = engine.refresh.bind(engine);
  engine.refresh = async (written?: readonly string[]) => {
    const t = performance.now();
    await original(written);
    refresh.push(performance.now() - t);
    kinds.push(engine.lastRefresh.kind);
    filesRead = Math.max(filesRead, engine.lastRefresh.files.length);
  };
  try {
    await runner.run(unitReport, { unit: catalog.units[1]!.code, period }); // the runner's first refresh, not timed
    refresh.length = 0;
    kinds.length = 0;
    for (let i = 0; i < runs; i++) {
      const unit = catalog.units[(i * 7 + 3) % catalog.units.length]!.code;
      const at = new Date(Date.UTC(2030, 0, 1) + i * 1000);
      const id = submissionIdAt(at, 0xf0000000 + i);
      const t = performance.now();
      const records = await writeSyntheticSubmission(store, catalog, unit, period, id, at, random);
      await store.put(lakeKeys.lakeVersion, id);
      written.push(lakeKeys.kpiValues(unit, period, id), lakeKeys.submission(id));
      write.push(performance.now() - t);
      runner.lakeChanged([id]); // as the server does after its own ingest: no listing of the records
      const rows = toRows((await runner.run(unitReport, { unit, period })).table) as { indicator_code: string; value: number | null }[];
      total.push(performance.now() - t);
      const expected = records.find((r) => r.value !== null)!;
      const seen = rows.find((r) => r.indicator_code === expected.indicator_code)?.value;
      if (seen === undefined || Math.abs(Number(seen) - Number(expected.value)) > 1e-6) throw new Error(`write ${i}: ${unit} ${period} ${expected.indicator_code} shows ${seen}, wrote ${expected.value}`);
    }
  } finally {
    engine.refresh = original;
    await Promise.all(written.map((k) => rm(join(lakeDir, k), { force: true })));
    await store.put(lakeKeys.lakeVersion, `bench-cleanup-${Date.now()}`);
  }
  return { total: { p50: pct(total, 0.5), p95: pct(total, 0.95) }, write: { p50: pct(write, 0.5), p95: pct(write, 0.95) }, refresh: { p50: pct(refresh, 0.5), p95: pct(refresh, 0.95) }, kinds, filesRead };
}
