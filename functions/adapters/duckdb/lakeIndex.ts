import type { DuckDBConnection } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { lakeKeys, TABLE_LOCATIONS } from '../../domain/lakeKeys.ts';
import { DIMENSION_TABLES, ROW_TABLES } from '../../../schemas/records.ts';
import { MANIFEST_KEY, readManifest, scanRawLake, submissionOfFile, type CompactionManifest } from './compactLake.ts';

/** A unit and period of kpi_values (one partition). */
export interface UnitPeriod { unit: string; period: string }

/** What changed in the lake since the index last looked, and what the engine must redo for it. */
export interface LakeChanges {
  /** Submission records that appeared (accepted or not), with their status. */
  submissions: { id: string; status: string; file: string }[];
  /** Partition files of those submissions. */
  kpiFiles: string[];
  /** The unit-periods whose published rows may differ now: new values, or a head's decision on them. */
  keys: UnitPeriod[];
  /** New heads' decisions (files of lake/approvals/). */
  approvalFiles: string[];
  /** New clerks' explanations: read from their folder at each query, nothing derived from them. */
  explanationFiles: string[];
  /** The compaction manifest changed: which files hold which rows, not the rows themselves. */
  manifestChanged: boolean;
  /** Why everything must be derived again (the registry or a setting changed), or null. */
  rebuild: string | null;
  /** Whether the submission records' folder was listed (not when the caller named its own). */
  recordsListed: boolean;
}

/** The read plan of kpi_values and submissions: compacted files and the raw delta since. */
export interface LakePlan {
  /** Per period: its compacted file, while every submission it holds is present. */
  compacted: Map<string, { file: string; covered: Set<string> }>;
  /** Partition files no compacted file holds (the delta since the last compaction). */
  rawKpi: string[];
  compactedSubmissions: string[];
  rawSubmissions: string[];
}

const key = (unit: string, period: string) => `${unit}\u0000${period}`;
const parquetIn = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.parquet') && !f.startsWith('.'));
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A folder's modification time, trusted to say "nothing added" only once it is old enough that the clock has moved on since. */
const SETTLED_MS = 1000;
/** More than the file system's timestamp granularity (a jiffy, 1–10 ms): two changes this far apart have different times. */
const CLOCK_TICK_MS = 50;

/** Size and modification time of every file in the dimension tables' folders: the registry's fingerprint. */
async function dimensionStamp(dataDir: string): Promise<string> {
  const parts: string[] = [];
  for (const table of Object.keys(DIMENSION_TABLES) as (keyof typeof DIMENSION_TABLES)[]) {
    const dir = join(dataDir, TABLE_LOCATIONS[table]);
    for (const f of (await parquetIn(dir)).sort()) {
      const s = await stat(join(dir, f)).catch(() => null);
      parts.push(`${table}/${f}:${s?.size}:${s?.mtimeMs}:${s?.ino}`);
    }
  }
  return parts.join('|');
}

async function fileStamp(path: string): Promise<string> {
  const s = await stat(path).catch(() => null);
  return s ? `${s.size}:${s.mtimeMs}:${s.ino}` : 'none';
}

/**
 * The engine's picture of the local lake, kept up to date by looking only at what is new: the
 * submission records folder (one listing), the records and partition files of new submissions,
 * new heads' decisions and setting changes, the compaction manifest and the registry's files.
 * A new submission is never found by listing every partition.
 */
/** Row tables whose view reads their folder at each query (not kept in the engine, not followed file by file). */
const LIVE_ROW_TABLES = (Object.keys(ROW_TABLES) as (keyof typeof ROW_TABLES)[]).filter((t) => !['approvals', 'setting_changes', 'explanations'].includes(t));

export class LakeIndex {
  private readonly submissions = new Set<string>();
  private readonly bySubmission = new Map<string, UnitPeriod[]>();
  /** Partition files by unit and period, each with its submission id. */
  private readonly partitions = new Map<string, Map<string, string>>();
  /** Submission ids present per period. */
  private readonly periods = new Map<string, Set<string>>();
  private readonly approvals = new Set<string>();
  private readonly settingChanges = new Set<string>();
  private readonly explanations = new Set<string>();
  /**
   * Row tables read live by their view (a glob), which had no file at the build: their view is
   * an empty relation until rebuilt, so their first file asks for one (once per table).
   */
  private readonly emptyRowTables = new Set<string>();
  private manifest: CompactionManifest = { generation: 0, kpi_values: {}, submissions: null };
  private manifestStamp = 'none';
  private dimensions = '';
  private cachedPlan: LakePlan | null = null;
  /** Folders listed, with the modification time they had when listed (while settled). */
  private readonly listed = new Map<string, number>();
  /** An update took in only its caller's own records while the records folder had changed: another process's may be there too. */
  owesListing = false;
  private prelisted: { dir: string; mtimeMs: number; files: string[] } | null = null;

  /**
   * Lists the records folder now, for the next update: the listing (79,000 names at national
   * size, ~80 ms) is then made beside the refreshes, not inside one (they run one at a time, and
   * a writer's own refresh would wait behind it). Changes only what the next update reads.
   */
  async prelistRecords(): Promise<void> {
    const dir = join(this.dataDir, lakeKeys.submissionsPrefix);
    const s = await stat(dir).catch(() => null);
    // Trusted only if the clock had moved on from the folder's last change when listing began
    // (a file added later then changes its time), and nothing changed it while listing.
    if (!s || Date.now() - s.mtimeMs < CLOCK_TICK_MS) return;
    const files = await parquetIn(dir);
    const after = await stat(dir).catch(() => null);
    if (after?.mtimeMs === s.mtimeMs) this.prelisted = { dir, mtimeMs: s.mtimeMs, files };
  }

  private constructor(private readonly dataDir: string) {}

  /** The whole lake, listed once (at a full build). */
  static async scan(dataDir: string): Promise<LakeIndex> {
    const index = new LakeIndex(dataDir);
    // The stamps first: a change while listing is seen again at the next refresh.
    index.dimensions = await dimensionStamp(dataDir);
    index.manifestStamp = await fileStamp(join(dataDir, MANIFEST_KEY));
    index.manifest = await readManifest(dataDir);
    for (const f of await parquetIn(join(dataDir, TABLE_LOCATIONS.approvals))) index.approvals.add(f);
    for (const f of await parquetIn(join(dataDir, TABLE_LOCATIONS.setting_changes))) index.settingChanges.add(f);
    for (const f of await parquetIn(join(dataDir, TABLE_LOCATIONS.explanations))) index.explanations.add(f);
    for (const table of LIVE_ROW_TABLES) {
      const dir = join(dataDir, TABLE_LOCATIONS[table]);
      if ((await parquetIn(dir)).length === 0) {
        index.emptyRowTables.add(dir);
        await index.listIfChanged(dir);
      }
    }
    const raw = await scanRawLake(dataDir);
    for (const id of raw.submissions) index.submissions.add(id);
    for (const [period, entry] of raw.periods) {
      for (const file of entry.files) index.addFile(file, submissionOfFile(file), unitOfFile(file), period);
    }
    return index;
  }

  /**
   * A folder's .parquet files, or null when it has not changed since it was last listed: a
   * folder's mtime moves when a file is added to it (a listing of 80,000 records is not free).
   * A time within SETTLED_MS of now is not trusted (a file added in the same clock tick).
   */
  private async listIfChanged(dir: string): Promise<string[] | null> {
    const s = await stat(dir).catch(() => null);
    if (!s) return this.listed.has(dir) ? [] : null;
    if (this.listed.get(dir) === s.mtimeMs) return null;
    // A listing made beforehand (prelistRecords) serves while the folder has not changed since.
    const early = this.prelisted?.dir === dir && this.prelisted.mtimeMs === s.mtimeMs ? this.prelisted.files : null;
    this.prelisted = null;
    const files = early ?? await parquetIn(dir);
    if (Date.now() - s.mtimeMs > SETTLED_MS) this.listed.set(dir, s.mtimeMs);
    else this.listed.delete(dir);
    return files;
  }

  private addFile(file: string, id: string, unit: string, period: string): void {
    const k = key(unit, period);
    let files = this.partitions.get(k);
    if (!files) this.partitions.set(k, (files = new Map()));
    files.set(file, id);
    let ids = this.periods.get(period);
    if (!ids) this.periods.set(period, (ids = new Set()));
    ids.add(id);
    let parts = this.bySubmission.get(id);
    if (!parts) this.bySubmission.set(id, (parts = []));
    parts.push({ unit, period });
  }

  /**
   * Looks at what is new and takes it in. Reads the new submission records and decisions through
   * `connection` (a few small files); everything else is listings and stats. `written`: ids of
   * submissions this process has just written, whose records are read without a listing.
   */
  async update(connection: DuckDBConnection, written: readonly string[] = []): Promise<LakeChanges> {
    const changes: LakeChanges = { submissions: [], kpiFiles: [], keys: [], approvalFiles: [], explanationFiles: [], manifestChanged: false, rebuild: null, recordsListed: false };
    const dimensions = await dimensionStamp(this.dataDir);
    if (dimensions !== this.dimensions) changes.rebuild = 'the registry changed';
    const settingsDir = join(this.dataDir, TABLE_LOCATIONS.setting_changes);
    if ((await this.listIfChanged(settingsDir))?.some((f) => !this.settingChanges.has(f))) changes.rebuild ??= 'a setting changed';
    for (const dir of this.emptyRowTables) {
      if ((await this.listIfChanged(dir))?.length) changes.rebuild ??= `${dir.slice(this.dataDir.length + 1)} has its first record`;
    }
    if (changes.rebuild) return changes;

    const manifestStamp = await fileStamp(join(this.dataDir, MANIFEST_KEY));
    // A compacted file removed under the engine (a compaction it slept through) is read again too.
    const gone = [...this.plan().compacted.values()].some((c) => !existsSync(c.file))
      || this.plan().compactedSubmissions.some((f) => !existsSync(f));
    if (manifestStamp !== this.manifestStamp || gone) {
      this.manifestStamp = manifestStamp;
      this.manifest = await readManifest(this.dataDir);
      changes.manifestChanged = true;
    }

    const touched = new Map<string, UnitPeriod>();
    // Records first, then their partition files: a record is written after its files (the commit).
    const recordsDir = join(this.dataDir, lakeKeys.submissionsPrefix);
    let fresh: string[];
    if (written.length > 0) {
      // This process's own submissions: taken in by name, without listing every record (79,000
      // at national size). Another process's records added meanwhile are left to a listing that
      // follows off the writer's path (owesListing).
      fresh = written.filter((id) => !this.submissions.has(id) && existsSync(join(recordsDir, `${id}.parquet`)));
      const s = await stat(recordsDir).catch(() => null);
      this.owesListing ||= Boolean(s && this.listed.get(recordsDir) !== s.mtimeMs);
    } else {
      const listed = await this.listIfChanged(recordsDir);
      changes.recordsListed = listed !== null;
      fresh = (listed ?? []).map((f) => f.slice(0, -'.parquet'.length)).filter((id) => !this.submissions.has(id));
      this.owesListing = false;
    }
    if (fresh.length > 0) {
      const files = fresh.map((id) => join(recordsDir, `${id}.parquet`));
      const reader = await connection.runAndReadAll(`SELECT submission_id, status, units, periods FROM read_parquet([${files.map(sqlString).join(', ')}])`);
      for (const row of reader.getRowObjectsJS() as { submission_id: string; status: string; units: string; periods: string }[]) {
        this.submissions.add(row.submission_id);
        changes.submissions.push({ id: row.submission_id, status: row.status, file: join(recordsDir, `${row.submission_id}.parquet`) });
        for (const unit of JSON.parse(row.units) as string[]) {
          for (const period of JSON.parse(row.periods) as string[]) {
            const file = join(this.dataDir, lakeKeys.kpiValues(unit, period, row.submission_id));
            if (!existsSync(file)) continue; // a file of several units and periods need not hold every pair
            this.addFile(file, row.submission_id, unit, period);
            changes.kpiFiles.push(file);
            touched.set(key(unit, period), { unit, period });
          }
        }
      }
    }

    const approvalsDir = join(this.dataDir, TABLE_LOCATIONS.approvals);
    const decisions = ((await this.listIfChanged(approvalsDir)) ?? []).filter((f) => !this.approvals.has(f));
    if (decisions.length > 0) {
      const files = decisions.map((f) => join(approvalsDir, f));
      const reader = await connection.runAndReadAll(`SELECT DISTINCT submission_id, unit FROM read_parquet([${files.map(sqlString).join(', ')}])`);
      for (const row of reader.getRowObjectsJS() as { submission_id: string; unit: string }[]) {
        for (const p of this.bySubmission.get(row.submission_id) ?? []) if (p.unit === row.unit) touched.set(key(p.unit, p.period), p);
      }
      for (const f of decisions) this.approvals.add(f);
      changes.approvalFiles = files;
    }
    const explanationsDir = join(this.dataDir, TABLE_LOCATIONS.explanations);
    for (const f of (await this.listIfChanged(explanationsDir)) ?? []) {
      if (this.explanations.has(f)) continue;
      this.explanations.add(f);
      changes.explanationFiles.push(join(explanationsDir, f));
    }
    changes.keys = [...touched.values()];
    if (changes.manifestChanged) this.cachedPlan = null;
    else if (this.cachedPlan && changes.submissions.length > 0) {
      // New submissions are the delta's: no compacted file holds them.
      this.cachedPlan = {
        ...this.cachedPlan,
        rawKpi: [...this.cachedPlan.rawKpi, ...changes.kpiFiles].sort(),
        rawSubmissions: [...this.cachedPlan.rawSubmissions, ...changes.submissions.map((s) => s.file)].sort(),
      };
    }
    return changes;
  }

  /** Where kpi_values and submissions are read from now. */
  plan(): LakePlan {
    if (this.cachedPlan) return this.cachedPlan;
    const compacted = new Map<string, { file: string; covered: Set<string> }>();
    for (const [period, present] of this.periods) {
      const entry = this.manifest.kpi_values[period];
      if (entry && entry.submissions.every((s) => present.has(s))) compacted.set(period, { file: join(this.dataDir, entry.file), covered: new Set(entry.submissions) });
    }
    const rawKpi: string[] = [];
    for (const [k, files] of this.partitions) {
      const covered = compacted.get(k.slice(k.indexOf('\u0000') + 1))?.covered;
      for (const [file, id] of files) if (!covered?.has(id)) rawKpi.push(file);
    }
    const coveredRecords = new Set(this.manifest.submissions?.submissions ?? []);
    const recordsDir = join(this.dataDir, lakeKeys.submissionsPrefix);
    this.cachedPlan = {
      compacted,
      rawKpi: rawKpi.sort(),
      compactedSubmissions: this.manifest.submissions ? [join(this.dataDir, this.manifest.submissions.file)] : [],
      rawSubmissions: [...this.submissions].filter((s) => !coveredRecords.has(s)).sort().map((s) => join(recordsDir, `${s}.parquet`)),
    };
    return this.cachedPlan;
  }

  /**
   * The files holding the rows of these unit-periods: each period's compacted file (read for
   * those units only) and the raw files no compacted file holds.
   */
  filesOf(keys: UnitPeriod[]): { compacted: string[]; raw: string[] } {
    const plan = this.plan();
    const compacted = new Set<string>();
    const raw: string[] = [];
    for (const { unit, period } of keys) {
      const c = plan.compacted.get(period);
      if (c) compacted.add(c.file);
      for (const [file, id] of this.partitions.get(key(unit, period)) ?? []) if (!c?.covered.has(id)) raw.push(file);
    }
    return { compacted: [...compacted].sort(), raw: raw.sort() };
  }
}

/** The unit of a raw partition file, from its folder (…/unit=<code>/period=<period>/<id>.parquet). */
function unitOfFile(file: string): string {
  const m = /\/unit=([^/]+)\/period=[^/]+\/[^/]+$/.exec(file);
  if (!m) throw new Error(`not a partition file: ${file}`);
  return m[1]!;
}
