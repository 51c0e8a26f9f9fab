import { BatchCreatePartitionCommand, GetTableCommand, type GlueClient, type StorageDescriptor } from '@aws-sdk/client-glue';
import { randomBytes } from 'node:crypto';
import { KPI_VALUES_FILE_COLUMNS, SUBMISSIONS_COLUMNS } from '../../../schemas/records.ts';
import { lakeKeys, TABLE_LOCATIONS } from '../../domain/lakeKeys.ts';
import type { LakeCatalog } from '../../ports/LakeCatalog.ts';
import type { ObjectStore } from '../../ports/ObjectStore.ts';
import { readParquetRows } from '../parquet/readParquet.ts';
import { toColumns, writeParquetTable } from '../parquet/writeParquet.ts';

/**
 * Whether a table or partition is worth folding: what a reader opens for it (its manifests and the
 * files they name) is more than one manifest naming one file, and at least `minFiles`.
 */
function worthFolding(manifests: { files: string[] }[], minFiles: number): boolean {
  const objects = manifests.length + manifests.reduce((n, m) => n + m.files.length, 0);
  return objects > 2 && objects >= minFiles;
}

/**
 * The lake as Athena reads it. kpi_values and submissions are Glue symlink tables: their
 * locations hold small text manifests naming the Parquet files to read. Each submission adds its
 * own manifests (one per period it covers, one for its record), so it is readable at once with no
 * listing race between concurrent ingests; compaction folds a period's files into one, writes
 * one manifest naming it, then removes the manifests it folded in. A query at province scale then
 * reads one manifest and one file per period instead of one file per unit and period.
 *
 * Partitions (by period) are registered as they first appear: no crawler, no MSCK REPAIR.
 */
export class GlueSymlinkLake implements LakeCatalog {
  private descriptor: StorageDescriptor | null = null;
  private readonly known = new Set<string>();

  constructor(
    private readonly glue: GlueClient,
    private readonly database: string,
    private readonly store: ObjectStore,
    private readonly bucket: string,
  ) {}

  private uri(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  private keyOf(uri: string): string {
    const prefix = `s3://${this.bucket}/`;
    if (!uri.startsWith(prefix)) throw new Error(`manifest names an object outside the lake bucket: ${uri}`);
    return uri.slice(prefix.length);
  }

  async publish(submission: { submission_id: string; partitions: { unit: string; period: string }[] }): Promise<void> {
    const byPeriod = new Map<string, string[]>();
    for (const p of submission.partitions) {
      if (!byPeriod.has(p.period)) byPeriod.set(p.period, []);
      byPeriod.get(p.period)!.push(this.uri(lakeKeys.kpiValues(p.unit, p.period, submission.submission_id)));
    }
    // Written after the files they name exist (the submission is committed): never a dangling line.
    for (const [period, uris] of byPeriod) await this.store.put(lakeKeys.kpiManifest(period, submission.submission_id), `${uris.join('\n')}\n`);
    await this.store.put(lakeKeys.submissionManifest(submission.submission_id), `${this.uri(lakeKeys.submission(submission.submission_id))}\n`);
    await this.register([...byPeriod.keys()]);
  }

  private async register(periods: string[]): Promise<void> {
    const fresh = periods.filter((p) => !this.known.has(p));
    if (fresh.length === 0) return;
    this.descriptor ??= (await this.glue.send(new GetTableCommand({ DatabaseName: this.database, Name: 'kpi_values' }))).Table!.StorageDescriptor!;
    for (let i = 0; i < fresh.length; i += 100) {
      const batch = fresh.slice(i, i + 100);
      const res = await this.glue.send(new BatchCreatePartitionCommand({
        DatabaseName: this.database,
        TableName: 'kpi_values',
        PartitionInputList: batch.map((period) => ({
          Values: [period],
          StorageDescriptor: { ...this.descriptor!, Location: this.uri(lakeKeys.kpiManifestPrefix(period)) },
        })),
      }));
      const failed = (res.Errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode !== 'AlreadyExistsException');
      if (failed.length) throw new Error(`Glue refused partitions: ${failed.map((e) => `${e.PartitionValues?.join('/')}: ${e.ErrorDetail?.ErrorMessage}`).join('; ')}`);
    }
    for (const p of fresh) this.known.add(p);
  }

  /** The manifests under a prefix, with the data files each names. */
  private async manifests(prefix: string): Promise<{ key: string; files: string[] }[]> {
    const out: { key: string; files: string[] }[] = [];
    for await (const o of this.store.list(prefix)) {
      if (!o.key.endsWith('.txt')) continue;
      const text = await this.store.get(o.key);
      if (text) out.push({ key: o.key, files: Buffer.from(text).toString('utf8').split('\n').filter(Boolean).map((u) => this.keyOf(u)) });
    }
    return out;
  }

  /** Folds the files of some manifests into one file and one manifest, then drops the manifests folded in. */
  private async fold(manifests: { key: string; files: string[] }[], columns: typeof KPI_VALUES_FILE_COLUMNS, target: { data: string; manifest: string }): Promise<void> {
    const files = [...new Set(manifests.flatMap((m) => m.files))];
    const rows: Record<string, unknown>[] = [];
    for (const key of files) {
      const bytes = await this.store.get(key);
      if (!bytes) throw new Error(`a manifest names ${key}, which is not in the lake`);
      rows.push(...(await readParquetRows(bytes)));
    }
    rows.sort((a, b) => String(a.submission_id).localeCompare(String(b.submission_id)) || String(a.unit ?? '').localeCompare(String(b.unit ?? '')) || String(a.indicator_code ?? '').localeCompare(String(b.indicator_code ?? '')));
    await this.store.put(target.data, writeParquetTable(columns, toColumns(columns, rows)), { ifAbsent: true });
    // The new manifest first, then the old ones go: a reader in between sees some rows twice, never
    // none; kpi_current keeps one row per unit, period and indicator, so its answers do not change.
    await this.store.put(target.manifest, `${this.uri(target.data)}\n`, { ifAbsent: true });
    for (const m of manifests) await this.store.delete(m.key);
  }

  async compact(options: { periods?: string[]; minFiles?: number } = {}): Promise<{ periods: number }> {
    const minFiles = options.minFiles ?? 2;
    const generation = `c${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
    const periods = options.periods ?? await this.periodsWithManifests();
    let folded = 0;
    for (const period of periods) {
      const manifests = await this.manifests(lakeKeys.kpiManifestPrefix(period));
      if (!worthFolding(manifests, minFiles)) continue;

      await this.fold(manifests, KPI_VALUES_FILE_COLUMNS, { data: lakeKeys.compactedKpi(period, generation), manifest: lakeKeys.kpiManifest(period, generation) });
      folded++;
    }
    const records = await this.manifests(TABLE_LOCATIONS.submissions);
    if (worthFolding(records, minFiles)) {
      await this.fold(records, SUBMISSIONS_COLUMNS, { data: lakeKeys.compactedSubmissions(generation), manifest: lakeKeys.submissionManifest(generation) });
    }
    return { periods: folded };
  }

  private async periodsWithManifests(): Promise<string[]> {
    const periods = new Set<string>();
    for await (const o of this.store.list(TABLE_LOCATIONS.kpi_values)) {
      const m = /period=([^/]+)\//.exec(o.key);
      if (m) periods.add(m[1]!);
    }
    return [...periods].sort();
  }
}
