import { cp, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compactLake, readManifest } from '../../functions/adapters/duckdb/compactLake.ts';
import { DuckDbEngine } from '../../functions/adapters/duckdb/DuckDbEngine.ts';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { createClock } from '../../functions/domain/clock.ts';
import { lakeKeys } from '../../functions/domain/lakeKeys.ts';
import { toRows } from '../../functions/http/render.ts';
import { appendRow } from '../../functions/services/appendRow.ts';
import { ingestFile } from '../../functions/services/ingestFile.ts';
import { catalogIndex } from '../helpers/lake.ts';
import { lakeViews } from '../../functions/adapters/files/sqlFiles.ts';
import { csvBytes } from '../helpers/workbook.ts';

let dir: string;
let engine: DuckDbEngine;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-incremental-'));
  await cp(inject('demoLake'), dir, { recursive: true });
  await compactLake(dir); // the delta since the last compaction is then only what this test writes
  engine = await DuckDbEngine.open(dir, 2);
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

const DERIVED = ['kpi_current', 'kpi_assessed', 'kpi_points', 'first_received', 'targets_met'];
const derivedOf = async (e: DuckDbEngine) => Object.fromEntries(await Promise.all(DERIVED.map(async (t) => [t, toRows(await e.run(`SELECT * FROM ${t} ORDER BY ALL`, {}))] as const)));

/**
 * targets_met as the engine keeps it (a table, updated per unit-period) and as its view in
 * sql/views computes it, in the same database: equal.
 */
async function expectTargetsMetAsItsView(e: DuckDbEngine) {
  const kept = toRows(await e.run('SELECT * FROM targets_met ORDER BY ALL', {}));
  const fromView = toRows(await e.run(`SELECT * FROM (\n${lakeViews().targets_met}\n) ORDER BY ALL`, {}));
  expect(kept.length).toBeGreaterThan(0);
  expect(kept).toEqual(fromView);
}

/** The derived tables as an engine that reads the whole lake now computes them. */
async function fromScratch() {
  const fresh = await DuckDbEngine.open(dir, 1);
  try {
    return await derivedOf(fresh);
  } finally {
    await fresh.close();
  }
}

const store = () => new FsObjectStore(dir);
async function submit(text: string, fileName: string, submittedAt = new Date('2025-01-21T00:00:00Z')) {
  const result = await ingestFile({ bytes: csvBytes(text), fileName, submittedAt },
    { store: store(), catalog: catalogIndex, clock: createClock(7, () => new Date('2025-02-01T00:00:00Z')) });
  expect(result.status).toBe('accepted');
  return result;
}

describe('incremental refresh', () => {
  it('after a one-unit submission reads only that unit\'s periods, and derives what a whole rebuild would', async () => {
    const before = await derivedOf(engine);
    const { submission_id: id } = await submit('Đơn vị: Xã Yên Phương\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,9,10\n', 'yp.csv');
    await engine.refresh();

    const report = engine.lastRefresh;
    expect(report.kind).toBe('incremental');
    expect(report.keys).toEqual([{ unit: 'xa-yen-phuong', period: '2024-Q4' }]);
    const manifest = await readManifest(dir);
    const allowed = new Set([
      join(dir, lakeKeys.kpiValues('xa-yen-phuong', '2024-Q4', id!)), // its values
      join(dir, lakeKeys.submission(id!)), // its record
      join(dir, manifest.kpi_values['2024-Q4']!.file), // the rows before it of that period (its unit's row groups)
    ]);
    expect(report.files.filter((f) => !allowed.has(f))).toEqual([]);
    expect(report.files.length).toBeLessThanOrEqual(3);

    const after = await derivedOf(engine);
    expect(after).toEqual(await fromScratch());
    expect(after.kpi_current).not.toEqual(before.kpi_current);
    expect(after.targets_met).not.toEqual(before.targets_met);
    await expectTargetsMetAsItsView(engine);
  });

  it('a head returning a report derives that submission\'s unit-periods again', async () => {
    const { submission_id: id } = await submit('Đơn vị: Xã Tề Lỗ\nKỳ báo cáo: Quý III/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,1,10\n', 'tl.csv');
    await engine.refresh();
    const withIt = await derivedOf(engine);
    await appendRow(store(), 'approvals', {
      submission_id: id, unit: 'xa-te-lo', decision: 'returned', comment: 'Sai số liệu', decided_by: 'head', decided_by_name: 'Trưởng', decided_at: new Date('2025-01-22T00:00:00Z'),
    }, new Date('2025-01-22T00:00:00Z'));
    await engine.refresh();
    expect(engine.lastRefresh.kind).toBe('incremental');
    expect(engine.lastRefresh.keys).toEqual([{ unit: 'xa-te-lo', period: '2024-Q3' }]);
    const after = await derivedOf(engine);
    expect(after).toEqual(await fromScratch());
    expect(after.kpi_current).not.toEqual(withIt.kpi_current); // the returned value is no longer current
    await expectTargetsMetAsItsView(engine);
  });

  it('compaction changes where rows are read from, not the rows: no unit-period is derived again', async () => {
    const before = await derivedOf(engine);
    await compactLake(dir);
    await engine.refresh();
    expect(engine.lastRefresh.kind).toBe('incremental');
    expect(engine.lastRefresh.keys).toEqual([]);
    expect(await derivedOf(engine)).toEqual(before);
    await engine.refresh();
    expect(engine.lastRefresh.kind).toBe('unchanged');
  });

  it('takes in its own submission by id without listing the records, and finds another process\'s by a listing that follows', async () => {
    const valueOf = async (unit: string, period: string) => toRows(await engine.run(
      `SELECT numerator FROM kpi_current WHERE unit = '${unit}' AND period = '${period}' AND indicator_code = 'DOC_ONLINE'`, {}))[0]?.numerator ?? null;
    /** The listing the engine makes by itself, a moment after a refresh that took in only named records. */
    const listingFollows = async () => {
      for (let i = 0; i < 400 && !engine.lastRefresh.recordsListed; i++) await new Promise((r) => setTimeout(r, 25));
      expect(engine.lastRefresh.recordsListed).toBe(true);
    };
    const own = await submit('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý II/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,7,10\n', 'lc.csv');
    await engine.refresh([own.submission_id!]);
    expect(engine.lastRefresh).toMatchObject({ kind: 'incremental', recordsListed: false, keys: [{ unit: 'xa-lien-chau', period: '2024-Q2' }] });
    expect(await valueOf('xa-lien-chau', '2024-Q2')).toBe(7);
    await listingFollows();

    // Another process writes just before this one's next write: not named, so not taken in …
    await submit('Đơn vị: Xã Đại Tự\nKỳ báo cáo: Quý II/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,3,10\n', 'dt.csv');
    const next = await submit('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý II/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,8,10\n', 'lc2.csv', new Date('2025-01-21T01:00:00Z')); // the later correction
    await engine.refresh([next.submission_id!]);
    expect(engine.lastRefresh).toMatchObject({ kind: 'incremental', recordsListed: false, keys: [{ unit: 'xa-lien-chau', period: '2024-Q2' }] });
    expect(await valueOf('xa-lien-chau', '2024-Q2')).toBe(8);
    // … until that listing.
    await listingFollows();
    expect(await valueOf('xa-dai-tu', '2024-Q2')).toBe(3);
    expect(await derivedOf(engine)).toEqual(await fromScratch());
    await expectTargetsMetAsItsView(engine);
  });

  it('a setting or the registry changing derives everything again', async () => {
    await appendRow(store(), 'setting_changes', {
      key: 'approval_required', value: 'yes', applies_from: new Date('2025-01-01T00:00:00Z'), note: null,
      changed_by: 'cli:test', changed_by_name: 'Test', changed_at: new Date('2025-01-23T00:00:00Z'),
    }, new Date('2025-01-23T00:00:00Z'));
    await engine.refresh();
    expect(engine.lastRefresh).toMatchObject({ kind: 'full', reason: 'a setting changed' });
    expect(await derivedOf(engine)).toEqual(await fromScratch());

    const units = join(dir, lakeKeys.dimension('units'));
    await utimes(units, new Date(), new Date(Date.now() + 5000));
    await engine.refresh();
    expect(engine.lastRefresh).toMatchObject({ kind: 'full', reason: 'the registry changed' });
  });
});
