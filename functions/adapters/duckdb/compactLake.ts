import type { DuckDBConnection } from '@duckdb/node-api';
import { loadDuckDb } from './loadDuckDb.ts';
import { emptyOf } from './relations.ts';
import { KPI_VALUES_COLUMNS, KPI_VALUES_PARTITIONS, SUBMISSIONS_COLUMNS, type ColumnSpec } from '../../../schemas/records.ts';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lakeKeys } from '../../domain/lakeKeys.ts';
import { FsObjectStore } from '../stores/FsObjectStore.ts';

/**
 * Compaction keeps both history and speed. Every submission stays its own immutable file
 * (atomic, auditable), and each period also gets one compacted file holding the rows of every
 * submission of that period, with their submission ids. Readers use a period's compacted file
 * only while it covers exactly the submissions present; otherwise they read the raw files, so a
 * submission is visible the moment it lands, and compaction can lag without being wrong.
 */
export interface CompactionManifest {
  generation: number;
  kpi_values: Record<string, { file: string; submissions: string[] }>;
  submissions: { file: string; submissions: string[] } | null;
  /**
   * The files this generation replaced. An engine planned before it may still read them (the
   * submissions view opens its files at each query), so they stay until the next compaction.
   */
  retired?: string[];
}

export const MANIFEST_KEY = 'lake/compacted/manifest.json';
const EMPTY: CompactionManifest = { generation: 0, kpi_values: {}, submissions: null };

/**
 * The compaction manifest, trusted only as far as the files it names exist: a period whose
 * compacted file is gone is read raw again (and compacted anew), never an error for readers.
 */
export async function readManifest(dataDir: string): Promise<CompactionManifest> {
  let manifest: CompactionManifest;
  try {
    manifest = JSON.parse(await readFile(join(dataDir, MANIFEST_KEY), 'utf8')) as CompactionManifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') console.error(`compaction manifest unreadable, reading the raw files: ${(error as Error).message}`);
    return EMPTY;
  }
  const kept = Object.entries(manifest.kpi_values ?? {}).filter(([, entry]) => existsSync(join(dataDir, entry.file)));
  return {
    generation: manifest.generation ?? 0,
    retired: manifest.retired ?? [],
    kpi_values: Object.fromEntries(kept),
    submissions: manifest.submissions && existsSync(join(dataDir, manifest.submissions.file)) ? manifest.submissions : null,
  };
}

/** The raw lake as it is on disk: submission ids per period, and every submission id. */
export interface RawLake {
  periods: Map<string, { submissions: Set<string>; files: string[] }>;
  submissions: string[];
}

/**
 * The raw lake as readers may see it: the submission records, and the partition files of those
 * submissions only. The record is the commit: a partition file without one (a crash between the
 * two) is never read, whatever it holds, until recovery removes it.
 */
export async function scanRawLake(dataDir: string): Promise<RawLake> {
  const submissions = (await readdir(join(dataDir, 'lake/submissions')).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.parquet') && !f.startsWith('.')).map((f) => f.slice(0, -'.parquet'.length));
  const committed = new Set(submissions);
  const periods = new Map<string, { submissions: Set<string>; files: string[] }>();
  const kpiRoot = join(dataDir, 'lake/kpi_values');
  const units = await readdir(kpiRoot).catch(() => [] as string[]);
  for (const unitDir of units) {
    if (!unitDir.startsWith('unit=')) continue;
    for (const periodDir of await readdir(join(kpiRoot, unitDir)).catch(() => [] as string[])) {
      if (!periodDir.startsWith('period=')) continue;
      const period = periodDir.slice('period='.length);
      let entry = periods.get(period);
      if (!entry) periods.set(period, (entry = { submissions: new Set(), files: [] }));
      for (const file of await readdir(join(kpiRoot, unitDir, periodDir)).catch(() => [] as string[])) {
        if (!file.endsWith('.parquet') || file.startsWith('.')) continue;
        const id = file.slice(0, -'.parquet'.length);
        if (!committed.has(id)) continue;
        entry.submissions.add(id);
        entry.files.push(join(kpiRoot, unitDir, periodDir, file));
      }
    }
  }
  return { periods, submissions };
}

/**
 * Which files a reader should use: a period's compacted file wherever every submission it holds
 * is still present, plus the raw files of the submissions that came after it (the delta since
 * the last compaction); a period without one, or whose file holds a submission no longer
 * present, is read raw. `stalePeriods` are the periods compaction has work in.
 */
export function planReads(raw: RawLake, manifest: CompactionManifest, dataDir: string) {
  const compactedKpi: string[] = [];
  const rawKpi: string[] = [];
  const stale: string[] = [];
  for (const [period, entry] of raw.periods) {
    if (entry.files.length === 0) continue; // an empty folder (a crash, a rolled-back write): nothing to read
    const compacted = manifest.kpi_values[period];
    const covered = compacted && compacted.submissions.every((s) => entry.submissions.has(s)) ? new Set(compacted.submissions) : null;
    if (covered) compactedKpi.push(join(dataDir, compacted!.file));
    const uncovered = covered ? entry.files.filter((f) => !covered.has(submissionOfFile(f))) : entry.files;
    rawKpi.push(...uncovered);
    if (uncovered.length > 0) stale.push(period);
  }
  const covered = new Set(manifest.submissions?.submissions ?? []);
  const rawSubmissions = raw.submissions.filter((s) => !covered.has(s)).map((s) => join(dataDir, 'lake/submissions', `${s}.parquet`));
  const compactedSubmissions = manifest.submissions ? [join(dataDir, manifest.submissions.file)] : [];
  return { compactedKpi, rawKpi, compactedSubmissions, rawSubmissions, stalePeriods: stale };
}

/** The submission id a raw partition file is named by. */
export const submissionOfFile = (file: string) => file.slice(file.lastIndexOf('/') + 1, -'.parquet'.length);

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const list = (files: string[]) => `[${files.map(quote).join(', ')}]`;
const HIVE = ", hive_partitioning = true, hive_types = {'unit': VARCHAR, 'period': VARCHAR}";

/** Raw files read into the period's table per statement: bounds the files DuckDB holds open and their metadata. */
const FILES_PER_CHUNK = 500;
/** Raw files read by one database before it writes them to a part file and closes (the submission records: tens of thousands of files). */
const FILES_PER_PART = 4000;
/** DuckDB's own memory for a compaction; beyond it, it spills to a temporary folder beside the lake. */
const MEMORY_LIMIT = '128MB';

/**
 * A database of its own for each file compaction writes: closing it hands back what it held
 * (the files' readers, its allocator's caches), so memory does not grow with the periods done.
 */
async function withDuckDb(spill: string, work: (db: DuckDBConnection) => Promise<void>): Promise<void> {
  const instance = await (await loadDuckDb()).DuckDBInstance.create(':memory:', {
    threads: '2', memory_limit: MEMORY_LIMIT, temp_directory: spill, preserve_insertion_order: 'false',
  });
  const db = await instance.connect();
  try {
    await work(db);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/**
 * One compacted file from the rows of the previous compacted file (where it is still whole) and
 * the raw files since, read FILES_PER_CHUNK at a time into a scratch table that holds this one
 * file's rows only, then written sorted, in row groups. Memory is one period's rows, never the lake's.
 */
async function writeCompacted(db: DuckDBConnection, columns: readonly ColumnSpec[], sources: { compacted: string | null; raw: string[]; rawOptions: string }, orderBy: string, target: string): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP TABLE compacting AS ${emptyOf(columns)}`);
  if (sources.compacted) await db.run(`INSERT INTO compacting BY NAME SELECT * FROM read_parquet(${quote(sources.compacted)})`);
  for (let i = 0; i < sources.raw.length; i += FILES_PER_CHUNK) {
    await db.run(`INSERT INTO compacting BY NAME SELECT * FROM read_parquet(${list(sources.raw.slice(i, i + FILES_PER_CHUNK))}, union_by_name = true${sources.rawOptions})`);
  }
  await db.run(`COPY (SELECT * FROM compacting ORDER BY ${orderBy}) TO ${quote(target)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`);
  await db.run('DROP TABLE compacting');
}

/**
 * Rewrites the compacted file of every period with submissions no compacted file holds, and the
 * compacted submissions table, one file at a time from the previous compacted file and the raw
 * files since (bounded memory: see writeCompacted); then swaps the manifest in one rename and
 * moves the lake version, so every engine plans its views again. A replaced file is removed only
 * at the next compaction: until then an engine planned before this one still finds it (and one
 * that slept through both compactions re-plans on its first failed read, see DuckDbEngine).
 */
export async function compactLake(dataDir: string): Promise<{ periods: number; generation: number }> {
  const manifest = await readManifest(dataDir);
  const raw = await scanRawLake(dataDir);
  const plan = planReads(raw, manifest, dataDir);
  const submissionsStale = plan.rawSubmissions.length > 0;
  if (plan.stalePeriods.length === 0 && !submissionsStale) return { periods: 0, generation: manifest.generation };
  const generation = manifest.generation + 1;
  const next: CompactionManifest = { generation, kpi_values: { ...manifest.kpi_values }, submissions: manifest.submissions, retired: [] };
  const spill = join(dataDir, 'lake/compacted/.spill');
  const kpiColumns = [...KPI_VALUES_COLUMNS, ...KPI_VALUES_PARTITIONS];
  try {
    for (const period of plan.stalePeriods) {
      const entry = raw.periods.get(period)!;
      const previous = manifest.kpi_values[period];
      const whole = previous && previous.submissions.every((s) => entry.submissions.has(s)) ? previous : null;
      const covered = new Set(whole?.submissions ?? []);
      const file = `lake/compacted/kpi_values/period=${period}/g${generation}.parquet`;
      await mkdir(join(dataDir, 'lake/compacted/kpi_values', `period=${period}`), { recursive: true });
      await withDuckDb(spill, (db) => writeCompacted(db, kpiColumns, {
        compacted: whole ? join(dataDir, whole.file) : null,
        raw: entry.files.filter((f) => !covered.has(submissionOfFile(f))),
        rawOptions: HIVE,
      }, 'unit, indicator_code, submission_id', join(dataDir, file)));
      if (previous) next.retired!.push(previous.file);
      next.kpi_values[period] = { file, submissions: [...entry.submissions].sort() };
    }
    if (submissionsStale && raw.submissions.length) {
      const file = `lake/compacted/submissions/g${generation}.parquet`;
      await mkdir(join(dataDir, 'lake/compacted/submissions'), { recursive: true });
      // Tens of thousands of small records: read FILES_PER_PART at a time by a database of its own
      // into a part file, then the parts and the previous compacted file into the new one.
      const parts: string[] = [];
      await mkdir(spill, { recursive: true });
      for (let i = 0; i < plan.rawSubmissions.length; i += FILES_PER_PART) {
        const part = join(spill, `submissions-part-${parts.length}.parquet`);
        await withDuckDb(spill, (db) => writeCompacted(db, SUBMISSIONS_COLUMNS, { compacted: null, raw: plan.rawSubmissions.slice(i, i + FILES_PER_PART), rawOptions: '' }, 'submission_id', part));
        parts.push(part);
      }
      await withDuckDb(spill, (db) => writeCompacted(db, SUBMISSIONS_COLUMNS, { compacted: plan.compactedSubmissions[0] ?? null, raw: parts, rawOptions: '' }, 'submission_id', join(dataDir, file)));
      if (manifest.submissions) next.retired!.push(manifest.submissions.file);
      next.submissions = { file, submissions: [...raw.submissions].sort() };
    }
  } finally {
    await rm(spill, { recursive: true, force: true });
  }
  const temp = join(dataDir, `${MANIFEST_KEY}.tmp-${process.pid}`);
  await writeFile(temp, JSON.stringify(next));
  await rename(temp, join(dataDir, MANIFEST_KEY));
  await new FsObjectStore(dataDir).put(lakeKeys.lakeVersion, `compacted-g${generation}`);
  // Replaced a compaction ago: every engine has been told to plan without them since.
  await Promise.all((manifest.retired ?? []).map((f) => rm(join(dataDir, f), { force: true })));
  return { periods: plan.stalePeriods.length, generation };
}
