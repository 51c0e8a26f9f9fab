/**
 * npm run bench:national — the engine at national size. Builds (or reuses) synthetic lakes of 300
 * and 3,300 communes × 24 months × 15 indicators under bench/out/ (one submission per commune and
 * month: 79,134 at national size), compacts them in a process of their own (time and peak RSS;
 * a lake already compacted reports the figures measured when it was), and prints per saved
 * query p50/p95 and its ratio to DuckDB counting the same rows and to DuckDB materialising them
 * (see bench/query.ts floorRatios), the write-to-visible time of one
 * more submission (p50/p95 of 20), and an AWS cost model of a province quarter.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DuckDbEngine } from '../functions/adapters/duckdb/DuckDbEngine.ts';
import { planReads, readManifest, scanRawLake } from '../functions/adapters/duckdb/compactLake.ts';
import { loadSavedQueries, SQL_DIR } from '../functions/adapters/files/sqlFiles.ts';
import type { Catalog } from '../functions/domain/types.ts';
import { months, syntheticCatalog } from './syntheticDistrict.ts';
import { buildSyntheticLake } from './syntheticLake.ts';
import { NATIONAL_MONTHS, NATIONAL_UNITS, nationalLakeDir } from './nationalLake.ts';
import { writeToVisible } from './writeVisible.ts';

const out = fileURLToPath(new URL('./out/', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const queries = loadSavedQueries(SQL_DIR);
const f = (x: number) => `${x.toFixed(0)} ms`;

function cases(catalog: Catalog, periods: string[]): [string, Record<string, string>][] {
  const n = periods.length;
  const unit = catalog.units[17]!.code;
  const settled = periods[n - 4]!;
  return [
    ['district_scorecard', { period: settled }],
    ['district_trend', { from: periods[n - 12]!, to: periods[n - 1]! }],
    ['unit_report', { unit, period: settled }],
    ['indicator_trend', { indicator: 'DOC_ONLINE', from: periods[0]!, to: periods[n - 1]! }],
    ['unit_ranking', { period: settled }],
    ['missing_submissions', { period: periods[n - 1]!, as_of: '2021-02-01' }],
    ['submission_log', { from: '2019-01-01', to: '2020-12-31' }],
    ['province_scorecard', { period: settled }],
    ['unit_trend', { unit, indicator: 'DOC_ONLINE', from: periods[0]!, to: periods[n - 1]!, as_of: '2026-01-01' }],
    ['dti_ranking', { period: settled, group: '' }],
    ['unit_scorecard', { unit, period: settled }],
    ['dti_trend', { unit, from: periods[0]!, to: periods[n - 1]!, as_of: '2026-01-01' }],
    ['unit_registry', { as_of: '2026-01-01' }],
    ['reporting_timeliness', { period: settled, as_of: '2021-02-01' }],
    ['timeliness_trend', { from: periods[0]!, to: periods[n - 1]! }],
    ['quality_warnings', { period: settled }],
  ];
}

const pct = (times: number[], q: number) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.ceil(times.length * q) - 1)]!;

interface Compaction { periods: number; seconds: number; peakRssMB: number; measured: string }

/** Compacts in a child process (its peak RSS is the compaction's alone), or reports the figures of the compaction that made the lake as it is. */
function compact(dir: string): Compaction {
  const record = join(dir, 'state/bench-compaction.json');
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./compactOne.ts', import.meta.url)), dir], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`compaction failed: ${run.stderr}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { periods: number; seconds: number; peakRssMB: number };
  if (result.periods > 0) {
    const measured: Compaction = { ...result, measured: new Date().toISOString() };
    writeFileSync(record, JSON.stringify(measured));
    return measured;
  }
  return existsSync(record) ? JSON.parse(readFileSync(record, 'utf8')) as Compaction : { ...result, measured: 'nothing to compact' };
}

interface SizeResult {
  units: number;
  openSeconds: number;
  compaction: Compaction;
  queries: Record<string, { p50: number; p95: number; count: number; materialized: number; rows: number }>;
  write: Awaited<ReturnType<typeof writeToVisible>>;
  compactedBytes: { perPeriod: number; submissions: number };
}

async function measure(units: number, dir: string): Promise<SizeResult> {
  const catalog = syntheticCatalog(units);
  const periods = months(NATIONAL_MONTHS);
  let t = performance.now();
  const written = await buildSyntheticLake(dir, catalog, NATIONAL_MONTHS, (done, total) => console.log(`  ${units} communes: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} submissions written`));
  console.log(`${units} communes × ${NATIONAL_MONTHS} months: ${written ? `built in ${((performance.now() - t) / 1000).toFixed(0)} s` : 'reused'}`);
  const compaction = compact(dir);
  const manifest = await readManifest(dir);
  const sizes = Object.values(manifest.kpi_values).map((e) => statSync(join(dir, e.file)).size);
  const compactedBytes = { perPeriod: sizes.reduce((a, b) => a + b, 0) / sizes.length, submissions: manifest.submissions ? statSync(join(dir, manifest.submissions.file)).size : 0 };
  if (planReads(await scanRawLake(dir), manifest, dir).stalePeriods.length) throw new Error('the lake is not compacted');

  t = performance.now();
  const engine = await DuckDbEngine.open(dir);
  const openSeconds = (performance.now() - t) / 1000;
  const results: SizeResult['queries'] = {};
  try {
    for (const [name, params] of cases(catalog, periods)) {
      const sql = queries.get(name)!.sql;
      const counted = `SELECT count(*) AS n FROM (\n${sql}\n)`;
      await engine.run(sql, params);
      await engine.run(counted, params);
      await engine.materialize(sql, params);
      const e: number[] = [];
      const c: number[] = [];
      const m: number[] = [];
      let rows = 0;
      // Alternating, so both see the same warm caches and the same neighbours on the machine.
      for (let i = 0; i < RUNS; i++) {
        let s = performance.now();
        rows = (await engine.run(sql, params)).numRows;
        e.push(performance.now() - s);
        s = performance.now();
        await engine.run(counted, params);
        c.push(performance.now() - s);
        s = performance.now();
        await engine.materialize(sql, params);
        m.push(performance.now() - s);
      }
      results[name] = { p50: pct(e, 0.5), p95: pct(e, 0.95), count: pct(c, 0.5), materialized: pct(m, 0.5), rows };
    }
    const write = await writeToVisible(engine, dir, catalog, periods[NATIONAL_MONTHS - 1]!, queries.get('unit_report')!, 20);
    return { units, openSeconds, compaction, queries: results, write, compactedBytes };
  } finally {
    await engine.close();
  }
}

const small = await measure(300, join(out, 'national-300-lake'));
const national = await measure(NATIONAL_UNITS, nationalLakeDir);

console.log(`\n| saved query | 300 communes p50 / p95 | 3,300 communes p50 / p95 | rows (3,300) | engine ÷ DuckDB count (300 / 3,300) | engine ÷ DuckDB materialised (300 / 3,300) |`);
console.log('|---|---|---|---|---|---|');
for (const name of Object.keys(national.queries)) {
  const s = small.queries[name]!;
  const n = national.queries[name]!;
  console.log(`| ${name} | ${f(s.p50)} / ${f(s.p95)} | ${f(n.p50)} / ${f(n.p95)} | ${n.rows.toLocaleString('en')} | ${(s.p50 / s.count).toFixed(2)}x / ${(n.p50 / n.count).toFixed(2)}x | ${(s.p50 / s.materialized).toFixed(2)}x / ${(n.p50 / n.materialized).toFixed(2)}x |`);
}
for (const r of [small, national]) {
  console.log(`\n${r.units.toLocaleString('en')} communes:`);
  console.log(`  write-to-visible (one more submission, its writer's next query): p50 ${f(r.write.total.p50)}, p95 ${f(r.write.total.p95)} of 20 (writing the files ${f(r.write.write.p50)}, engine refresh p50 ${f(r.write.refresh.p50)} / p95 ${f(r.write.refresh.p95)}; ${r.write.kinds.filter((k) => k === 'incremental').length} of ${r.write.kinds.length} incremental, at most ${r.write.filesRead} files read or bound)`);
  console.log(`  engine start (every derived row computed): ${r.openSeconds.toFixed(1)} s`);
  console.log(`  compaction: ${r.compaction.periods} periods in ${r.compaction.seconds.toFixed(0)} s, peak RSS ${r.compaction.peakRssMB.toFixed(0)} MB (${r.compaction.measured})`);
}

// AWS cost model of a province quarter (list prices; assumptions printed with it).
const PROVINCE_UNITS = 148;
const perPeriodBytes = national.compactedBytes.perPeriod * (PROVINCE_UNITS / NATIONAL_UNITS);
const submissions = PROVINCE_UNITS * 3 * 1.1; // monthly forms, one in ten corrected
const PUT_PER_SUBMISSION = 8; // original, values (one unit-period), record, result, sha256 index, lake version, two Athena manifests
const GET_PER_SUBMISSION = 6; // the upload, duplicate check, registry and dimensions read by the ingest function
const nights = 91;
const compactionPuts = nights * 2 * 3; // ≤ 2 periods touched a night: compacted file, manifest, symlink manifest
const compactionGets = nights * 2 * (PROVINCE_UNITS / 3 + 2); // a night's new raw files of those periods and their compacted file
const queriesRun = 50 * 2 * 13 * 6 + 5 * 20 * 65; // 50 leaders open a 6-section page twice a week; 5 analysts run 20 queries a working day
const MB = 2 ** 20;
const scannedOne = Math.max(10 * MB, perPeriodBytes + national.compactedBytes.submissions * (PROVINCE_UNITS / NATIONAL_UNITS));
const scannedTrend = Math.max(10 * MB, 12 * perPeriodBytes);
const scanned = queriesRun * (0.7 * scannedOne + 0.3 * scannedTrend);
const athenaGets = queriesRun * 20; // compacted files, symlink manifests and dimension files per query (bench:athena-objects)
const s3 = ((submissions * PUT_PER_SUBMISSION + compactionPuts) / 1000) * 0.005 + ((submissions * GET_PER_SUBMISSION + compactionGets + athenaGets) / 1000) * 0.0004;
const athena = (scanned / 2 ** 40) * 5;
const gbSeconds = submissions * 1.0 * 1.5 + queriesRun * 0.5 * 1.2 + nights * 1.0 * 10;
const lambda = gbSeconds * 0.0000166667 + ((submissions + queriesRun + nights) / 1e6) * 0.2;
console.log(`\nAWS cost model, one province quarter (${PROVINCE_UNITS} communes, list prices): ${Math.round(submissions)} submissions, ${queriesRun.toLocaleString('en')} queries`);
console.log(`  S3 requests $${s3.toFixed(2)} · Athena ${(scanned / 2 ** 30).toFixed(1)} GB billed (10 MB minimum; a period's compacted file ${(perPeriodBytes / 1024).toFixed(0)} KB) $${athena.toFixed(2)} · Lambda ${Math.round(gbSeconds).toLocaleString('en')} GB-s $${lambda.toFixed(2)} · total $${(s3 + athena + lambda).toFixed(2)}`);
