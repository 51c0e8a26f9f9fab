/**
 * npm run bench:query — a synthetic lake of 300 units × 60 months × 15 indicators, one
 * submission (one small file) per unit and month: 18,000 kpi_values files and 18,000 submission
 * records. For every saved query: p50/p95 on the raw files, after compaction, against a
 * baseline of one file per period written by DuckDB itself, and over HTTP (a real server on
 * loopback, result cache off) and through the app in process (the server's own share) against
 * the engine alone. Then cached requests/s of a scorecard.
 */
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { DuckDBInstance } from '@duckdb/node-api';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compactLake } from '../functions/adapters/duckdb/compactLake.ts';
import { FsObjectStore } from '../functions/adapters/stores/FsObjectStore.ts';
import { indexCatalog } from '../functions/domain/ingest/ingestContext.ts';
import { createApp } from '../functions/http/app.ts';
import { DuckDbEngine } from '../functions/adapters/duckdb/DuckDbEngine.ts';
import { defineLakeViews, materializeDerived } from '../functions/adapters/duckdb/duckDbLake.ts';
import { months, syntheticCatalog } from './syntheticDistrict.ts';
import { buildSyntheticLake } from './syntheticLake.ts';
import { writeToVisible } from './writeVisible.ts';
import { lakeViews, loadSavedQueries, SQL_DIR } from '../functions/adapters/files/sqlFiles.ts';
import { createClock } from '../functions/domain/clock.ts';
import { createQueryRunner } from '../functions/services/savedQueryRunner.ts';

const UNITS = 300;
const MONTHS = 60;
const out = fileURLToPath(new URL('./out/', import.meta.url));
const lakeDir = join(out, 'query-lake');
const catalog = syntheticCatalog(UNITS);
const queries = loadSavedQueries(SQL_DIR);
const periods = months(MONTHS);
const CASES: [string, Record<string, string>][] = [
  ['district_scorecard', { period: periods[40]! }],
  ['district_trend', { from: periods[MONTHS - 12]!, to: periods[MONTHS - 1]! }],
  ['unit_report', { unit: catalog.units[17]!.code, period: periods[41]! }],
  ['indicator_trend', { indicator: 'DOC_ONLINE', from: periods[0]!, to: periods[MONTHS - 1]! }],
  ['unit_ranking', { period: periods[40]! }],
  ['missing_submissions', { period: periods[MONTHS - 1]!, as_of: '2024-02-01' }],
  ['submission_log', { from: '2019-01-01', to: '2023-12-31' }],
  ['province_scorecard', { period: periods[40]! }],
  ['unit_trend', { unit: catalog.units[17]!.code, indicator: 'DOC_ONLINE', from: periods[0]!, to: periods[MONTHS - 1]!, as_of: '2026-01-01' }],
  ['dti_ranking', { period: periods[40]!, group: '' }],
  ['unit_scorecard', { unit: catalog.units[17]!.code, period: periods[41]! }],
  ['dti_trend', { unit: catalog.units[17]!.code, from: periods[0]!, to: periods[MONTHS - 1]!, as_of: '2026-01-01' }],
  ['unit_registry', { as_of: '2026-01-01' }],
  ['reporting_timeliness', { period: periods[40]!, as_of: '2024-02-01' }],
  ['timeliness_trend', { from: periods[0]!, to: periods[MONTHS - 1]! }],
  ['quality_warnings', { period: periods[40]! }],
];

async function buildLake(): Promise<void> {
  const n = await buildSyntheticLake(lakeDir, catalog, MONTHS);
  if (n) console.log(`  ${n.toLocaleString('en')} submissions written`);
}

function stats(times: number[]) {
  const s = [...times].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)]!, p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]! };
}

async function timeIt(fn: () => Promise<unknown>, runs: number, warm = true) {
  if (warm) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return stats(times);
}

async function engineTimes(engine: DuckDbEngine, runs: number, warm = true) {
  const result: Record<string, { p50: number; p95: number }> = {};
  for (const [name, params] of CASES) result[name] = await timeIt(() => engine.run(queries.get(name)!.sql, params), runs, warm);
  return result;
}

/**
 * Two floors, each alternated with the engine's own run (the rows as Arrow):
 * - DuckDB running the same SQL and only counting its rows: no value leaves DuckDB, and DuckDB
 *   need not read, sort or keep the columns nobody counts (submission_log's count reads one
 *   column of the records and sorts nothing), so it is below any engine that returns rows;
 * - DuckDB running the same SQL to a result held whole, every chunk of it taken as the engine
 *   takes them (materialize): every column read, sorted and handed over, no JS value made. What
 *   the engine adds to this is its own share: converting the vectors to Arrow.
 */
async function floorRatios(engine: DuckDbEngine, runs: number) {
  const result: Record<string, { engine: number; count: number; materialized: number }> = {};
  for (const [name, params] of CASES) {
    const sql = queries.get(name)!.sql;
    const counted = `SELECT count(*) AS n FROM (\n${sql}\n)`;
    await engine.run(sql, params);
    await engine.run(counted, params);
    await engine.materialize(sql, params);
    const e: number[] = [];
    const c: number[] = [];
    const m: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      await engine.run(sql, params);
      e.push(performance.now() - t0);
      t0 = performance.now();
      await engine.run(counted, params);
      c.push(performance.now() - t0);
      t0 = performance.now();
      await engine.materialize(sql, params);
      m.push(performance.now() - t0);
    }
    result[name] = { engine: stats(e).p50, count: stats(c).p50, materialized: stats(m).p50 };
  }
  return result;
}

/**
 * The baseline: one file per period written by DuckDB itself, the layout the reference
 * figures assume, queried through the same engine code (views aside) so the results are
 * materialised the same way.
 */
async function baselineTimes(runs: number) {
  const dir = join(out, 'query-baseline');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const copier = await DuckDbEngine.open(lakeDir, 1);
  await copier.run(`SELECT 1`, {});
  await copier.close();
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  await defineLakeViews(db, lakeDir);
  await db.run(`COPY (SELECT * FROM kpi_values) TO '${dir}/kpi' (FORMAT parquet, PARTITION_BY (period))`);
  await db.run(`COPY (SELECT * FROM submissions) TO '${dir}/submissions.parquet' (FORMAT parquet)`);
  db.closeSync();
  instance.closeSync();
  const baseline = await DuckDbEngine.open(lakeDir, 4, async (c) => {
    await defineLakeViews(c, lakeDir); // dimensions as in the lake
    await c.run(`CREATE OR REPLACE VIEW kpi_values AS SELECT * FROM read_parquet('${dir}/kpi/*/*.parquet', hive_partitioning = true, hive_types = {'period': VARCHAR})`);
    await c.run(`CREATE OR REPLACE VIEW submissions AS SELECT * FROM read_parquet('${dir}/submissions.parquet')`);
    // The derived tables materialised as the engine does, over the baseline's files.
    await materializeDerived(c);
  });
  const result = await engineTimes(baseline, runs);
  await baseline.close();
  return result;
}

/**
 * The HTTP client runs on its own thread, as a browser or analyst's tool runs in its own process:
 * in the server's thread its decompression and parsing would be counted as the server's time.
 * It asks for gzip, as browsers do, and times the request until the last byte is decoded.
 */
function httpClient() {
  const worker = new Worker(`
    const { parentPort } = require('node:worker_threads');
    const { performance } = require('node:perf_hooks');
    parentPort.on('message', async ({ url, headers }) => {
      const t0 = performance.now();
      const res = await fetch(url, { headers });
      const bytes = (await res.arrayBuffer()).byteLength;
      parentPort.postMessage({ ms: performance.now() - t0, status: res.status, bytes });
    });
  `, { eval: true });
  let pending: ((r: { ms: number; status: number; bytes: number }) => void) | null = null;
  worker.on('message', (r) => pending?.(r));
  return {
    get: (url: string, headers: Record<string, string>) => new Promise<{ ms: number; status: number; bytes: number }>((resolve) => {
      pending = resolve;
      worker.postMessage({ url, headers });
    }),
    close: () => worker.terminate(),
  };
}

/**
 * Engine alone, the same query over HTTP, and through the app in process (no socket, no client
 * decoding: the server's own share), alternating, so all see the same warm caches.
 */
async function engineAndHttpTimes(engine: DuckDbEngine, port: number, token: string, runs: number, app: { request: (url: string, init: RequestInit) => Response | Promise<Response> }) {
  const result: Record<string, { engine: { p50: number; p95: number }; http: { p50: number; p95: number }; inProcess: { p50: number; p95: number }; bytes: number }> = {};
  const client = httpClient();
  for (const [name, params] of CASES) {
    const url = `http://127.0.0.1:${port}/api/queries/${name}?${new URLSearchParams(params)}`;
    const headers = { Authorization: `Bearer ${token}`, 'Accept-Encoding': 'gzip' };
    const viaEngine = () => engine.run(queries.get(name)!.sql, params);
    const viaHttp = async () => {
      const r = await client.get(url, headers);
      if (r.status !== 200) throw new Error(`${name}: ${r.status}`);
      return r;
    };
    await viaEngine();
    const { bytes } = await viaHttp();
    const viaApp = async () => {
      const res = await app.request(`/api/queries/${name}?${new URLSearchParams(params)}`, { headers });
      if (res.status !== 200) throw new Error(`${name}: ${res.status}`);
      await res.arrayBuffer();
    };
    const e: number[] = [];
    const h: number[] = [];
    const p: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      await viaEngine();
      e.push(performance.now() - t0);
      h.push((await viaHttp()).ms);
      t0 = performance.now();
      await viaApp();
      p.push(performance.now() - t0);
    }
    result[name] = { engine: stats(e), http: stats(h), inProcess: stats(p), bytes };
  }
  await client.close();
  return result;
}

async function loadTest(url: string, headers: Record<string, string>): Promise<{ rps: number; tool: string; detail: string }> {
  const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (!wrk.error) {
    const args = ['-t1', '-c32', '-d5s', ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url];
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', args);
      let text = '';
      child.stdout.on('data', (c: Buffer) => { text += c.toString(); });
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}`))));
    });
    return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]), tool: 'wrk', detail: `latency ${/Latency\s+(\S+)/.exec(out)?.[1]} mean` };
  }
  const r = await autocannon({ url, headers, connections: 32, duration: 5, workers: 1 });
  return { rps: r.requests.average, tool: 'autocannon (install wrk for a truer figure)', detail: `p99 ${r.latency.p99} ms, ${r.non2xx} non-2xx` };
}

const f = (x: number) => `${x.toFixed(1)} ms`;
console.log(`synthetic lake: ${UNITS} units × ${MONTHS} months × ${catalog.indicators.length} indicators`);
let t = performance.now();
await buildLake();
console.log(`  built or reused in ${((performance.now() - t) / 1000).toFixed(1)} s`);
await rm(join(lakeDir, 'lake/compacted'), { recursive: true, force: true });

t = performance.now();
const rawEngine = await DuckDbEngine.open(lakeDir);
const rawOpenSeconds = (performance.now() - t) / 1000;
// Raw files take seconds a query: one cold run each is the picture.
const raw = await engineTimes(rawEngine, 1, false);
await rawEngine.close();
t = performance.now();
const compaction = await compactLake(lakeDir);
const compactSeconds = (performance.now() - t) / 1000;
t = performance.now();
const engine = await DuckDbEngine.open(lakeDir);
const compactedOpenSeconds = (performance.now() - t) / 1000;
const baseline = await baselineTimes(40);

const token = 'chiso_analyst_bench';
const { hashToken } = await import('../functions/domain/access/tokens.ts');
const { createSettings } = await import('../functions/services/settings.ts');
const tokens = [{ id: 'bench', name: 'bench', role: 'analyst' as const, unit: null, sha256: hashToken(token), created_at: '' }];
const store = new FsObjectStore(lakeDir);
const clock = createClock(7);
const common = {
  store, catalog: indexCatalog(catalog), queries, tokens: async () => tokens,
  ingest: async () => { throw new Error('read-only bench'); }, now: clock.now, today: clock.today, localTime: clock.localTime,
  settings: createSettings(store, clock.now),
  linkSecret: Buffer.alloc(32, 1), links: { listBy: async () => [], add: async () => undefined, revoke: async () => null, revokedAt: async () => null },
  // The bench's one code, checked as the token store would: valid, and nothing else is.
  access: {
    token: async (t: string) => (t === token ? { kind: 'valid' as const, principal: tokens[0]!, record: tokens[0]! } : { kind: 'unknown' as const }),
    session: async () => ({ kind: 'unknown' as const }),
    openSession: async () => { throw new Error('read-only bench'); },
    closeSession: async () => undefined,
  },
};
const uncached = createApp({ ...common, runner: createQueryRunner({ engine, store, cacheResults: false }) });
const cached = createApp({ ...common, runner: createQueryRunner({ engine, store }) });
const servers = await Promise.all([uncached, cached].map((app) => new Promise<ReturnType<typeof serve>>((resolve) => {
  const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
})));
const portOf = (s: ReturnType<typeof serve>) => (s.address() as { port: number }).port;
const measured = await engineAndHttpTimes(engine, portOf(servers[0]!), token, 40, uncached);
const scorecardUrl = `http://127.0.0.1:${portOf(servers[1]!)}/api/queries/district_scorecard?period=${periods[40]}`;
await fetch(scorecardUrl, { headers: { Authorization: `Bearer ${token}` } }); // fill the cache
// As browsers and HTTP clients ask: compressed. wrk (Debian's package) where installed: a Node
// load generator on the same two cores measures itself more than the server.
const load = await loadTest(scorecardUrl, { Authorization: `Bearer ${token}`, 'Accept-Encoding': 'gzip' });
for (const s of servers) s.close();
const ratios = await floorRatios(engine, 20);
// Last: it writes into the lake (and removes what it wrote), so the engine is closed after it.
const visible = await writeToVisible(engine, lakeDir, catalog, periods[MONTHS - 1]!, queries.get('unit_report')!, 20);
await engine.close();

console.log(`compaction of ${compaction.periods} periods: ${compactSeconds.toFixed(1)} s`);
console.log(`engine start (every derived row computed; after a submission only its unit-periods are): raw files ${rawOpenSeconds.toFixed(1)} s, compacted ${compactedOpenSeconds.toFixed(1)} s`);
console.log(`write-to-visible, one more submission seen by its writer's next query: p50 ${f(visible.total.p50)}, p95 ${f(visible.total.p95)} of 20 (engine refresh p50 ${f(visible.refresh.p50)} / p95 ${f(visible.refresh.p95)}, at most ${visible.filesRead} files read or bound)\n`);
console.log('| query | raw files (1 run) | compacted p50 / p95 | baseline p50 (DuckDB, 1 file/period) | compacted ÷ baseline | engine ÷ DuckDB count (p50) | engine ÷ DuckDB materialised (p50) | HTTP p50 / p95 (JSON, gzip) | HTTP ÷ engine (p50) | in process ÷ engine (p50) |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const [name] of CASES) {
  const r = raw[name]!; const c = measured[name]!.engine; const b = baseline[name]!; const h = measured[name]!.http;
  console.log(`| ${name} | ${f(r.p50)} | ${f(c.p50)} / ${f(c.p95)} | ${f(b.p50)} | ${(c.p50 / b.p50).toFixed(2)}x | ${(ratios[name]!.engine / ratios[name]!.count).toFixed(2)}x | ${(ratios[name]!.engine / ratios[name]!.materialized).toFixed(2)}x | ${f(h.p50)} / ${f(h.p95)} | ${(h.p50 / c.p50).toFixed(2)}x | ${(measured[name]!.inProcess.p50 / c.p50).toFixed(2)}x |`);
}
console.log(`\ncached district_scorecard over HTTP: ${Math.round(load.rps).toLocaleString('en')} requests/s (${load.tool}, 32 connections, 5 s, ${load.detail})`);
