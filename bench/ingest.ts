/**
 * npm run bench:ingest — a 256,500-row long-layout CSV (the size) and .xlsx, ingested end
 * to end (read, match, validate, write Parquet), against DuckDB's own CSV-to-Parquet COPY of the
 * same CSV into the same files (one per unit and period). Each is run BENCH_REPEATS times (3),
 * interleaved, with the disk flushed before each run, and the medians compared: the 17,000 files
 * are most of the time, and a virtual disk's speed drifts from minute to minute.
 * BENCH_DIR puts what is written elsewhere (a tmpfs such as /dev/shm shows the work without the disk).
 * Also the time a clerk feels: one 13-row form, from file to submission record.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { FsObjectStore } from '../functions/adapters/stores/FsObjectStore.ts';
import { indexCatalog } from '../functions/domain/ingest/ingestContext.ts';
import { ingestFile } from '../functions/services/ingestFile.ts';
import { longRows, syntheticCatalog } from './syntheticDistrict.ts';
import { loadDefaultCatalog } from '../functions/adapters/files/catalogFiles.ts';
import { createClock } from '../functions/domain/clock.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 256_500);
const UNITS = 300;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const out = fileURLToPath(new URL('./out/', import.meta.url));
/** Where the lakes and DuckDB's files are written. */
const work = process.env.BENCH_DIR ?? out;
const HEADER = ['Mã đơn vị', 'Kỳ báo cáo', 'Mã chỉ số', 'Tử số', 'Mẫu số', 'Tỷ lệ (%)', 'Ghi chú'];

async function makeCsv(path: string): Promise<void> {
  const lines = [HEADER.join(',')];
  for (const r of longRows(syntheticCatalog(UNITS), ROWS)) lines.push([r.unit, r.period, r.indicator, r.numerator ?? '', r.denominator ?? '', r.value, ''].join(','));
  await writeFile(path, `\ufeff${lines.join('\n')}\n`);
}

async function makeXlsx(path: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: createWriteStream(path), useSharedStrings: true });
  const sheet = workbook.addWorksheet('Dữ liệu');
  sheet.addRow(HEADER).commit();
  for (const r of longRows(syntheticCatalog(UNITS), ROWS)) sheet.addRow([r.unit, r.period, r.indicator, r.numerator, r.denominator, r.value === '' ? null : r.value, null]).commit();
  sheet.commit();
  await workbook.commit();
}

function measureIngest(file: string, mode = 'full'): { rows: number; seconds: number; maxRssMB: number; parquetBytes: number; parquetFiles: number; status: string; errors: unknown[] } {
  const dataDir = join(work, `lake-${Date.now()}`);
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./ingestOne.ts', import.meta.url)), file, dataDir, String(UNITS), mode], { encoding: 'utf8', maxBuffer: 1 << 24 });
  execFileSync('rm', ['-rf', dataDir]);
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

async function duckdbCopy(csv: string): Promise<{ seconds: number; bytes: number; partitionedSeconds: number; partitionedBytes: number; partitionedFiles: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const single = join(work, 'duckdb.parquet');
  const partitioned = join(work, 'duckdb-partitioned');
  await rm(partitioned, { recursive: true, force: true });
  let start = performance.now();
  await db.run(`COPY (SELECT * FROM read_csv('${csv}', header = true)) TO '${single}' (FORMAT parquet)`);
  const seconds = (performance.now() - start) / 1000;
  start = performance.now();
  await db.run(`COPY (SELECT * FROM read_csv('${csv}', header = true)) TO '${partitioned}' (FORMAT parquet, PARTITION_BY ("Mã đơn vị", "Kỳ báo cáo"))`);
  const partitionedSeconds = (performance.now() - start) / 1000;
  db.closeSync();
  instance.closeSync();
  let partitionedBytes = 0;
  let partitionedFiles = 0;
  for (const entry of await readdir(partitioned, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) { partitionedBytes += (await stat(join(entry.parentPath, entry.name))).size; partitionedFiles++; }
  }
  await rm(partitioned, { recursive: true, force: true });
  return { seconds, bytes: (await stat(single)).size, partitionedSeconds, partitionedBytes, partitionedFiles };
}

async function clerkLatency(): Promise<{ medianMs: number; p95Ms: number }> {
  const bytes = await readFile(fileURLToPath(new URL('../test/fixtures/libreoffice/form-quy3-2024-lien-chau.xlsx', import.meta.url)));
  const catalog = indexCatalog(loadDefaultCatalog());
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const dir = join(out, `form-${i}`);
    const start = performance.now();
    const r = await ingestFile({ bytes, fileName: 'form-quy3-2024-lien-chau.xlsx' }, { store: new FsObjectStore(dir), catalog, clock: createClock(7, () => new Date()) });
    times.push(performance.now() - start);
    if (r.status !== 'accepted') throw new Error('form rejected');
    await rm(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[15]!, p95Ms: times[28]! };
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(2)} MB`;
const rate = (rows: number, s: number) => `${Math.round(rows / s).toLocaleString('en')} rows/s`;

await mkdir(out, { recursive: true });
await mkdir(work, { recursive: true });
const csv = join(out, 'long.csv');
const xlsx = join(out, 'long.xlsx');
console.log(`generating ${ROWS.toLocaleString('en')} rows (${UNITS} units × months × ${syntheticCatalog(UNITS).indicators.length} indicators)…`);
await makeCsv(csv);
await makeXlsx(xlsx);
console.log(`  csv ${mb((await stat(csv)).size)}, xlsx ${mb((await stat(xlsx)).size)}`);

/** Dirty pages of the previous run are written out first, so no run pays for another's files. */
const flushDisk = () => { spawnSync('sync'); };
const median = <T>(runs: T[], by: (r: T) => number): T => [...runs].sort((a, b) => by(a) - by(b))[Math.floor(runs.length / 2)]!;

const ducks: Awaited<ReturnType<typeof duckdbCopy>>[] = [];
const csvRuns: ReturnType<typeof measureIngest>[] = [];
const xlsxRuns: ReturnType<typeof measureIngest>[] = [];
for (let i = 0; i < REPEATS; i++) {
  flushDisk();
  ducks.push(await duckdbCopy(csv));
  flushDisk();
  csvRuns.push(measureIngest(csv));
  flushDisk();
  xlsxRuns.push(measureIngest(xlsx));
  console.log(`  run ${i + 1}: DuckDB partitioned ${ducks[i]!.partitionedSeconds.toFixed(2)} s, CSV ${csvRuns[i]!.seconds.toFixed(2)} s, .xlsx ${xlsxRuns[i]!.seconds.toFixed(2)} s`);
}
for (const [name, run] of [...csvRuns.map((r) => ['csv', r] as const), ...xlsxRuns.map((r) => ['xlsx', r] as const)]) {
  if (run.status !== 'accepted' || run.rows !== ROWS) throw new Error(`${name}: ${run.status} ${run.rows} ${JSON.stringify(run.errors)}`);
}
const duck = { ...median(ducks, (d) => d.partitionedSeconds), seconds: median(ducks, (d) => d.seconds).seconds };
const csvRun = { ...median(csvRuns, (r) => r.seconds), maxRssMB: Math.max(...csvRuns.map((r) => r.maxRssMB)) };
const xlsxRun = { ...median(xlsxRuns, (r) => r.seconds), maxRssMB: Math.max(...xlsxRuns.map((r) => r.maxRssMB)) };
const csvRead = measureIngest(csv, 'read-only');
const xlsxRead = measureIngest(xlsx, 'read-only');
const latency = await clerkLatency();

console.log(`
median of ${REPEATS} runs each (peak RSS: the highest), written to ${work}
| what | time | rate | peak RSS | Parquet |
|---|---|---|---|---|
| chiso ingest, CSV | ${csvRun.seconds.toFixed(2)} s | ${rate(ROWS, csvRun.seconds)} | ${csvRun.maxRssMB.toFixed(0)} MB | ${mb(csvRun.parquetBytes)} in ${csvRun.parquetFiles} files |
| chiso ingest, .xlsx | ${xlsxRun.seconds.toFixed(2)} s | ${rate(ROWS, xlsxRun.seconds)} | ${xlsxRun.maxRssMB.toFixed(0)} MB | ${mb(xlsxRun.parquetBytes)} in ${xlsxRun.parquetFiles} files |
| read + validate only, CSV | ${csvRead.seconds.toFixed(2)} s | ${rate(ROWS, csvRead.seconds)} | ${csvRead.maxRssMB.toFixed(0)} MB | |
| read + validate only, .xlsx | ${xlsxRead.seconds.toFixed(2)} s | ${rate(ROWS, xlsxRead.seconds)} | ${xlsxRead.maxRssMB.toFixed(0)} MB | |
| DuckDB COPY CSV → one Parquet | ${duck.seconds.toFixed(2)} s | ${rate(ROWS, duck.seconds)} | | ${mb(duck.bytes)} in 1 file |
| DuckDB COPY CSV → Parquet partitioned by unit, period | ${duck.partitionedSeconds.toFixed(2)} s | ${rate(ROWS, duck.partitionedSeconds)} | | ${mb(duck.partitionedBytes)} in ${duck.partitionedFiles} files |

ratios (chiso / DuckDB, same layout of files):
  CSV time ${(csvRun.seconds / duck.partitionedSeconds).toFixed(2)}x (vs one file: ${(csvRun.seconds / duck.seconds).toFixed(1)}x)
  .xlsx time ÷ CSV time, same rows: ${(xlsxRun.seconds / csvRun.seconds).toFixed(2)}x
  Parquet bytes ${(csvRun.parquetBytes / duck.partitionedBytes).toFixed(2)}x (vs one file: ${(csvRun.parquetBytes / duck.bytes).toFixed(1)}x)
13-row form (.xlsx), file to submission record, in process: median ${latency.medianMs.toFixed(0)} ms, p95 ${latency.p95Ms.toFixed(0)} ms`);
