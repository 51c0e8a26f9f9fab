import type { Clock } from '../domain/clock.ts';
import { createHash, randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { SUBMISSIONS_COLUMNS } from '../../schemas/records.ts';
import { ingestError, RejectedFileError } from '../domain/ingest/errors.ts';
import { extractSubmission, type SheetSource } from '../domain/ingest/extractSubmission.ts';
import type { CatalogIndex } from '../domain/ingest/ingestContext.ts';
import type { IngestError, KpiRecord, Layout, Unit } from '../domain/types.ts';
import { LIMITS } from '../domain/limits.ts';
import { ObjectExistsError, type ObjectStore } from '../ports/ObjectStore.ts';
import { readCsv } from '../adapters/readers/readCsv.ts';
import { readXlsx } from '../adapters/readers/readXlsx.ts';
import { sniffFormat, type FileFormat } from '../adapters/readers/sniffFile.ts';
import { toColumns, writeParquetTable } from '../adapters/parquet/writeParquet.ts';
import { encodeInThread } from '../adapters/parquet/kpiValuesFile.ts';
import type { PartitionEncoder } from '../ports/PartitionEncoder.ts';
import { isSubmissionId, lakeKeys } from '../domain/lakeKeys.ts';

export interface IngestInput {
  bytes: Uint8Array;
  fileName: string;
  /** Where the original already is (the upload bucket); without it the original is copied in. */
  source?: { key: string; version?: string | null };
  submittedAt?: Date;
  submittedBy?: string | null;
  /** A clerk's account may submit only for its own unit; a file naming another is refused. */
  allowedUnits?: string[];
  /**
   * Whether the sender may give appraised points (the province: an analyst, the CLI, the upload
   * bucket). Default: only a sender not bound to units.
   */
  mayAppraise?: boolean;
  /** The sender may give appraised points and nothing else (an appraiser's account): any other row refuses the file. */
  appraisalOnly?: boolean;
  /** Chosen by the caller when it must know the id before the ingest ends (an isolated worker). */
  submissionId?: string;
}

export interface IngestDeps {
  store: ObjectStore;
  catalog: CatalogIndex;
  /** The deployment's clock: its today() decides "a period in the future". */
  clock: Clock;
  /** How partitions become files: in this thread unless the runtime lends others (local). */
  encode?: PartitionEncoder;
}

export interface ReportedError {
  sheet: string;
  row: number | null;
  column: string | null;
  code: string;
  message: string;
  message_vi: string;
  message_en: string;
}

/** What a submitter is told, and what `chiso ingest --json` prints for each file. */
export interface IngestResult {
  file: string;
  status: 'accepted' | 'rejected';
  submission_id: string;
  rows: number;
  partitions: { unit: string; period: string }[];
  errors: ReportedError[];
  /** Worth a look but not wrong (a self-assessment's total that is not its rows' sum); never a reason to refuse. */
  warnings?: ReportedError[];
  layout: Layout | null;
  format: FileFormat;
  sha256: string;
  /** Set when these exact bytes were accepted before: nothing new was written. */
  duplicate_of: string | null;
  submitted_at: string;
  ingested_at: string;
  submitted_by: string | null;
}

const FORMAT_ERRORS: Partial<Record<FileFormat, Parameters<typeof ingestError>[0]>> = {
  xls: 'FORMAT_XLS_LEGACY',
  ods: 'FORMAT_ODS',
  encrypted: 'FORMAT_ENCRYPTED',
  xlsm: 'FORMAT_XLSM',
};

let lastId = { stamp: '', seq: 0 };

/**
 * Sortable by arrival: "20241005T031500123Z-1a2b3c4d". Two made in the same millisecond by one
 * process (a burst, a test's fixed clock) keep their order: the first two hex digits count up
 * within the millisecond, the rest is random (ids of different processes stay apart).
 */
export function newSubmissionId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  lastId = stamp === lastId.stamp ? { stamp, seq: lastId.seq + 1 } : { stamp, seq: 0 };
  return `${stamp}-${(Math.min(lastId.seq, 255)).toString(16).padStart(2, '0')}${randomBytes(3).toString('hex')}`;
}

function sheetsOf(format: FileFormat, bytes: Uint8Array, fileName: string): AsyncIterable<SheetSource> | Iterable<SheetSource> {
  if (format === 'csv') return readCsv(bytes, fileName);
  return readXlsx(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

async function extract(bytes: Uint8Array, fileName: string, format: FileFormat, deps: IngestDeps, today: string) {
  if (bytes.byteLength === 0) return { layout: null, records: [], errors: [ingestError('FILE_EMPTY')] };
  if (bytes.byteLength > LIMITS.maxFileBytes) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    return { layout: null, records: [], errors: [ingestError('FILE_TOO_LARGE', {}, { size: mb(bytes.byteLength), limit: mb(LIMITS.maxFileBytes) })] };
  }
  const refused = FORMAT_ERRORS[format];
  if (refused) return { layout: null, records: [], errors: [ingestError(refused)] };
  if (format === 'unknown') {
    const code = /\.xlsx$/i.test(fileName) ? 'FILE_CORRUPT' : 'FORMAT_UNKNOWN';
    return { layout: null, records: [], errors: [ingestError(code, {}, { name: fileName, detail: 'not a zip package' })] };
  }
  try {
    return await extractSubmission(sheetsOf(format, bytes, fileName), fileName, deps.catalog, today);
  } catch (error) {
    if (error instanceof RejectedFileError) return { layout: null, records: [], errors: [error.error] };
    // Anything a reader throws on a malformed file is the file's fault, said plainly.
    const detail = error instanceof Error ? error.message : String(error);
    return { layout: null, records: [], errors: [ingestError('FILE_CORRUPT', {}, { detail: detail.slice(0, 200) })] };
  }
}

const WRITE_CONCURRENCY = 16;

/** Runs `task` over `items` as they come, at most `limit` in flight; the first failure stops new ones. */
async function forEachConcurrently<T>(items: AsyncIterable<T>, limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const source = items[Symbol.asyncIterator]();
  let failed = false;
  const worker = async () => {
    while (!failed) {
      const next = await source.next();
      if (next.done) return;
      try {
        await task(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: limit }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await source.return?.();
    throw failure.reason;
  }
}

function partitionsOf(records: KpiRecord[]): Map<string, KpiRecord[]> {
  const parts = new Map<string, KpiRecord[]>();
  for (const r of records) {
    const key = `${r.unit}\u0000${r.period}`;
    let list = parts.get(key);
    if (!list) parts.set(key, (list = []));
    list.push(r);
  }
  return parts;
}

function report(errors: IngestError[]): ReportedError[] {
  return errors.map(({ sheet, row, column, code, message, message_vi, message_en }) => ({ sheet, row, column, code, message, message_vi, message_en }));
}

/**
 * One submitted file, end to end: read, validate, and either write every value or none.
 * Partition files are written first and the submission record last: the record is the commit,
 * so a reader that joins on accepted submissions never sees half a file.
 */
/** The answer a submitter got, as kept (state/submissions/<id>.json); null for no such submission. */
export async function storedResult(store: ObjectStore, id: string): Promise<IngestResult | null> {
  const kept = isSubmissionId(id) ? await store.get(lakeKeys.submissionResult(id)) : null;
  return kept ? (JSON.parse(Buffer.from(kept).toString('utf8')) as IngestResult) : null;
}

/** Why a name given for a file cannot be one (null when it can): for the HTTP layer's 400. */
export function fileNameProblem(name: string): { vi: string; en: string } | null {
  const base = basename(name.replace(/\\/g, '/'));
  if (!base || base === '.' || base === '..') return { vi: 'tên tệp trống hoặc không hợp lệ', en: 'the file name is empty or not a name' };
  if (/[\u0000-\u001f\u007f]/.test(name)) return { vi: 'tên tệp chứa ký tự điều khiển', en: 'the file name holds control characters' };
  if (Buffer.byteLength(base, 'utf8') > 255) return { vi: 'tên tệp dài quá 255 byte', en: 'the file name is longer than 255 bytes' };
  return null;
}

/** The name a file is kept under: its last path segment, without control characters, never "." or "..". */
function safeFileName(name: string): string {
  let base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '');
  while (Buffer.byteLength(base, 'utf8') > 255) base = base.slice(0, -1);
  return base && base !== '.' && base !== '..' ? base : 'tep-bao-cao';
}

export async function ingestFile(input: IngestInput, deps: IngestDeps): Promise<IngestResult> {
  const fileName = safeFileName(input.fileName);
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const submittedAt = input.submittedAt ?? deps.clock.now();

  const mayAppraise = input.mayAppraise ?? !input.allowedUnits;
  const earlier = await deps.store.get(lakeKeys.bySha256(sha256));
  if (earlier) {
    const previous = JSON.parse(Buffer.from(earlier).toString('utf8')) as IngestResult;
    // The duplicate answer comes after every check: bytes another unit sent before, or an
    // appraisal the province sent, are not this sender's to see; they are read again and refused.
    const foreign = input.allowedUnits ? previous.partitions.filter((p) => !input.allowedUnits!.includes(p.unit)) : [];
    const assessed = previous.layout === 'assessment' && !mayAppraise;
    const notAppraisal = input.appraisalOnly && previous.layout !== 'assessment';
    if (foreign.length === 0 && !assessed && !notAppraisal) return { ...previous, file: fileName, duplicate_of: previous.submission_id };
  }

  const submissionId = input.submissionId ?? newSubmissionId(submittedAt);
  const format = sniffFormat(input.bytes, fileName);
  const today = deps.clock.today();
  const extraction = await extract(input.bytes, fileName, format, deps, today);
  let errors = extraction.errors;
  if (input.allowedUnits && errors.length === 0) errors = refuseOtherUnits(extraction.records, input.allowedUnits, deps.catalog.catalog.units);
  // A unit scores itself; only the province (an analyst, the CLI, the upload bucket) appraises.
  if (!mayAppraise && errors.length === 0) {
    const appraisal = extraction.records.find((r) => r.assessment === 'appraised');
    if (appraisal) errors = [ingestError('APPRAISAL_BY_PROVINCE_ONLY', { sheet: appraisal.source_sheet, row: appraisal.source_row, column: appraisal.source_column ?? null })];
  }
  if (input.appraisalOnly && errors.length === 0) {
    const other = extraction.records.find((r) => r.assessment !== 'appraised');
    if (other) errors = [ingestError('APPRAISER_SENDS_APPRAISAL_ONLY', { sheet: other.source_sheet, row: other.source_row, column: other.source_column ?? null })];
  }

  const sourceKey = input.source?.key ?? lakeKeys.original(submissionId, fileName);
  if (!input.source) await deps.store.put(sourceKey, input.bytes, { ifAbsent: true });

  const parts = errors.length === 0 ? partitionsOf(extraction.records) : new Map<string, KpiRecord[]>();
  const written: string[] = [];
  const ingestedAt = deps.clock.now();
  if (parts.size > 0) {
    try {
      // Files are encoded here while earlier ones are still being written: a district table
      // of 300 communes × 60 months is 18,000 partitions.
      const encoded = (deps.encode ?? encodeInThread)([...parts.values()], { submissionId, fileName, submittedAt, ingestedAt });
      await forEachConcurrently(encoded, WRITE_CONCURRENCY, async ({ records, file }) => {
        const { unit, period } = records[0]!;
        const key = lakeKeys.kpiValues(unit, period, submissionId);
        await deps.store.put(key, file, { ifAbsent: true });
        written.push(key);
      });
    } catch (error) {
      // Take back what was written: a submission lands whole or not at all.
      await Promise.all(written.map((key) => deps.store.delete(key).catch(() => undefined)));
      const detail = error instanceof ObjectExistsError ? `exists: ${error.key}` : error instanceof Error ? error.message : String(error);
      errors = [ingestError('WRITE_FAILED', {}, { detail })];
      parts.clear();
    }
  }

  return commit({ input, fileName, sha256, submissionId, submittedAt, ingestedAt, sourceKey, format, layout: extraction.layout, rows: extraction.records.length, parts, errors, warnings: 'warnings' in extraction ? extraction.warnings : [] }, deps);
}

/**
 * The record of a file whose ingest never finished (its worker ran out of memory or time): the
 * original is kept for whoever looks into it, and the submission is logged as rejected with why.
 */
export async function recordUnfinished(input: IngestInput & { submissionId: string }, error: IngestError, deps: IngestDeps): Promise<IngestResult> {
  const fileName = safeFileName(input.fileName);
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const submittedAt = input.submittedAt ?? deps.clock.now();
  const sourceKey = input.source?.key ?? lakeKeys.original(input.submissionId, fileName);
  if (!input.source) await deps.store.put(sourceKey, input.bytes, { ifAbsent: true }).catch(() => undefined);
  return commit({
    input, fileName, sha256, submissionId: input.submissionId, submittedAt, ingestedAt: deps.clock.now(), sourceKey,
    format: sniffFormat(input.bytes, fileName), layout: null, rows: 0, parts: new Map(), errors: [error],
  }, deps);
}

interface Outcome {
  input: IngestInput;
  fileName: string;
  sha256: string;
  submissionId: string;
  submittedAt: Date;
  ingestedAt: Date;
  sourceKey: string;
  format: FileFormat;
  layout: Layout | null;
  rows: number;
  parts: Map<string, KpiRecord[]>;
  errors: IngestError[];
  warnings?: IngestError[];
}

/** Writes the submission record (the commit), the answer kept for the API, and the duplicate index. */
async function commit(o: Outcome, deps: IngestDeps): Promise<IngestResult> {
  const { input, fileName, sha256, submissionId, submittedAt, ingestedAt, sourceKey, format, parts, errors } = o;
  const accepted = errors.length === 0;
  const partitions = [...parts.values()].map((r) => ({ unit: r[0]!.unit, period: r[0]!.period }))
    .sort((a, b) => (a.unit + a.period < b.unit + b.period ? -1 : 1));
  const result: IngestResult = {
    file: fileName,
    status: accepted ? 'accepted' : 'rejected',
    submission_id: submissionId,
    rows: accepted ? o.rows : 0,
    partitions,
    errors: report(errors),
    warnings: report(o.warnings ?? []),
    layout: o.layout,
    format,
    sha256,
    duplicate_of: null,
    submitted_at: submittedAt.toISOString(),
    ingested_at: ingestedAt.toISOString(),
    submitted_by: input.submittedBy ?? null,
  };
  const submissionRow = {
    submission_id: submissionId,
    source_key: sourceKey,
    source_version: input.source?.version ?? null,
    source_file: fileName,
    sha256,
    size_bytes: input.bytes.byteLength,
    format,
    layout: o.layout,
    status: result.status,
    units: JSON.stringify([...new Set(partitions.map((p) => p.unit))]),
    periods: JSON.stringify([...new Set(partitions.map((p) => p.period))].sort()),
    row_count: result.rows,
    error_count: errors.length,
    errors: JSON.stringify(result.errors.map(({ sheet, row, column, code, message }) => ({ sheet, row, column, code, message }))),
    submitted_by: input.submittedBy ?? null,
    submitted_at: submittedAt,
    ingested_at: ingestedAt,
  };
  const submissionFile = writeParquetTable(SUBMISSIONS_COLUMNS, toColumns(SUBMISSIONS_COLUMNS, [submissionRow]));
  await deps.store.put(lakeKeys.submission(submissionId), submissionFile, { ifAbsent: true });
  await deps.store.put(lakeKeys.submissionResult(submissionId), JSON.stringify(result, null, 2), { ifAbsent: true });
  if (accepted) await deps.store.put(lakeKeys.bySha256(sha256), JSON.stringify(result));
  await deps.store.put(lakeKeys.lakeVersion, submissionId);
  return result;
}

function refuseOtherUnits(records: KpiRecord[], allowed: string[], units: readonly Unit[]): IngestError[] {
  const errors: IngestError[] = [];
  const seen = new Set<string>();
  // Units by name, as the clerk knows them (a code only if the registry has no such unit).
  const name = (code: string, lang: 'nameVi' | 'nameEn') => units.find((u) => u.code === code)?.[lang] || code;
  const names = (codes: string[], lang: 'nameVi' | 'nameEn') => codes.map((c) => name(c, lang)).join(', ');
  for (const r of records) {
    if (allowed.includes(r.unit) || seen.has(r.unit)) continue;
    seen.add(r.unit);
    errors.push(ingestError('UNIT_NOT_ALLOWED', { sheet: r.source_sheet, row: r.source_row }, {
      unit: name(r.unit, 'nameVi'), unitEn: name(r.unit, 'nameEn'), allowed: names(allowed, 'nameVi'), allowedEn: names(allowed, 'nameEn'),
    }));
  }
  return errors;
}
