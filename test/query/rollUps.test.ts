import fc from 'fast-check';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { indexCatalog } from '../../functions/domain/ingest/ingestContext.ts';
import { unitLineage } from '../../functions/domain/registry/unitLineage.ts';
import { writeDimensions } from '../../functions/services/dimensions.ts';
import { ingestFile } from '../../functions/services/ingestFile.ts';
import { DuckDbEngine } from '../../functions/adapters/duckdb/DuckDbEngine.ts';
import { toRows } from '../../functions/http/render.ts';
import { syntheticCatalog } from '../helpers/syntheticMerge.ts';
import { csvBytes } from '../helpers/workbook.ts';
import { loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';
import { createClock } from '../../functions/domain/clock.ts';

const queries = loadSavedQueries(SQL_DIR);
const catalog = syntheticCatalog();
let dir: string;
let engine: DuckDbEngine;
const run = async (name: string, params: Record<string, string>) => toRows(await engine.run(queries.get(name)!.sql, params));

/** Reports before and after the SYNTHETIC merge of A and B into Mới, and split of C into D and E. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-rollup-'));
  const store = new FsObjectStore(dir);
  await writeDimensions(store, catalog);
  const deps = { store, catalog: indexCatalog(catalog), clock: createClock(7, () => new Date('2026-01-15T00:00:00Z')) };
  const reports: [string, string, string][] = [
    ['Xã Thử A', 'Quý I/2025', '1,DOC_ONLINE,90,100\n2,OFFICIAL_EMAIL,,,80%'],
    ['Xã Thử B', 'Quý I/2025', '1,DOC_ONLINE,10,300'],
    ['Xã Thử C', 'Quý I/2025', '1,DOC_ONLINE,40,50'],
    ['Xã Thử Mới', 'Quý III/2025', '1,DOC_ONLINE,150,200'],
    ['Xã Thử D', 'Quý III/2025', '1,DOC_ONLINE,30,40'],
  ];
  for (const [unit, period, rows] of reports) {
    const r = await ingestFile({ bytes: csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: ${period}\nSTT,Mã chỉ số,Tử số,Mẫu số,Tỷ lệ\n${rows}\n`), fileName: `${unit}.csv` }, deps);
    if (r.status !== 'accepted') throw new Error(JSON.stringify(r.errors));
  }
  engine = await DuckDbEngine.open(dir);
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

describe('roll-ups across a merge and a split (synthetic registry)', () => {
  it('a trend in today\'s units sums the predecessors\' numerators and denominators', async () => {
    const rows = await run('unit_trend', { unit: 'xa-thu-moi', indicator: 'DOC_ONLINE', from: '2025-Q1', to: '2025-Q3', as_of: '2025-12-31' });
    expect(rows.map((r) => [r.period, r.value, r.units_reported])).toEqual([
      ['2025-Q1', 25, 2], // (90 + 10) / (100 + 300), not the mean of 90% and 3.33%
      ['2025-Q2', null, 0],
      ['2025-Q3', 75, 1],
    ]);
  });

  it('the same history in the units of the time', async () => {
    const rows = await run('unit_trend', { unit: 'xa-thu-a', indicator: 'DOC_ONLINE', from: '2025-Q1', to: '2025-Q3', as_of: '2025-03-31' });
    expect(rows.map((r) => [r.period, r.value])).toEqual([['2025-Q1', 90], ['2025-Q2', null], ['2025-Q3', null]]);
  });

  it('a split unit\'s history goes to each successor by its share', async () => {
    const rows = await run('unit_trend', { unit: 'xa-thu-d', indicator: 'DOC_ONLINE', from: '2025-Q1', to: '2025-Q3', as_of: '2025-12-31' });
    expect(rows.map((r) => [r.period, r.value])).toEqual([['2025-Q1', 80], ['2025-Q2', null], ['2025-Q3', 75]]);
    const lineage = unitLineage(catalog.units, catalog.events!).filter((l) => l.unit === 'xa-thu-c' && l.from_date === '2025-07-01');
    expect(lineage.map((l) => [l.as_of_unit, l.share])).toEqual([['xa-thu-d', 0.6], ['xa-thu-e', 0.4]]);
  });

  it('says when a unit gave a share without counts instead of inventing weights', async () => {
    const rows = await run('province_scorecard', { period: '2025-Q1' });
    const email = rows.find((r) => r.indicator_code === 'OFFICIAL_EMAIL')!;
    expect(email).toMatchObject({ value: null, units_reported: 1, units_without_counts: 1 });
    const doc = rows.find((r) => r.indicator_code === 'DOC_ONLINE')!;
    expect(doc).toMatchObject({ value: Math.round((10000 * 140) / 450) / 100, units_reported: 3, units_without_counts: 0, met: false });
  });
});

describe('the roll-up, for any set of units', () => {
  it('is the ratio of sums, a denominator-weighted mean of shares, and the plain mean when denominators are equal', async () => {
    const sql = queries.get('province_scorecard')!.sql;
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    await c.run(`CREATE TABLE indicators AS SELECT 'DOC_ONLINE' AS code, 'x' AS name_vi, 'percent' AS measure, 'higher' AS direction, 100.0 AS target, 1 AS sort_order`);
    const unitCounts = fc.array(fc.tuple(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 12 });
    await fc.assert(fc.asyncProperty(unitCounts, fc.boolean(), async (units, equalDenominators) => {
      const rows = units.map(([den, share], i) => {
        const denominator = equalDenominators ? units[0]![0] : den;
        const numerator = Math.round(share * denominator);
        return { unit: `u${i}`, numerator, denominator };
      });
      await c.run(`CREATE OR REPLACE TABLE kpi_current AS SELECT * FROM (VALUES ${rows.map((r) => `('${r.unit}', '2025-Q1', 'DOC_ONLINE', ${(100 * r.numerator) / r.denominator}, ${r.numerator}, ${r.denominator})`).join(', ')}) t(unit, period, indicator_code, value, numerator, denominator)`);
      const reader = await c.runAndReadAll(sql.replace(':period', "'2025-Q1'"));
      const value = Number(reader.getRowObjectsJS()[0]!.value);
      const sumN = rows.reduce((s, r) => s + r.numerator, 0);
      const sumD = rows.reduce((s, r) => s + r.denominator, 0);
      expect(value).toBeCloseTo((100 * sumN) / sumD, 1);
      const weighted = rows.reduce((s, r) => s + ((100 * r.numerator) / r.denominator) * r.denominator, 0) / sumD;
      expect(value).toBeCloseTo(weighted, 1);
      const mean = rows.reduce((s, r) => s + (100 * r.numerator) / r.denominator, 0) / rows.length;
      if (equalDenominators) expect(value).toBeCloseTo(mean, 1);
    }), { numRuns: 40 });
    // And a case where they differ: the mean of 90% (of 100) and 10% (of 900) is 50%; the truth is 18%.
    await c.run(`CREATE OR REPLACE TABLE kpi_current AS SELECT * FROM (VALUES ('a', '2025-Q1', 'DOC_ONLINE', 90.0, 90, 100), ('b', '2025-Q1', 'DOC_ONLINE', 10.0, 90, 900)) t(unit, period, indicator_code, value, numerator, denominator)`);
    expect(Number((await c.runAndReadAll(sql.replace(':period', "'2025-Q1'"))).getRowObjectsJS()[0]!.value)).toBe(18);
    c.closeSync();
    instance.closeSync();
  });
});
