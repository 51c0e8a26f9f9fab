import { KPI_VALUES_FILE_COLUMNS } from '../../../schemas/records.ts';
import type { KpiRecord } from '../../domain/types.ts';
import type { EncodedPartition, KpiFileMeta } from '../../ports/PartitionEncoder.ts';
import { writeParquetTable } from './writeParquet.ts';

/** The Parquet file of one submission's rows for one unit and period. */
export function kpiValuesFile(
  records: KpiRecord[],
  meta: KpiFileMeta,
): Uint8Array {
  const key = (r: KpiRecord) => `${r.indicator_code}|${r.assessment ?? ''}`;
  const sorted = [...records].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const n = sorted.length;
  return writeParquetTable(KPI_VALUES_FILE_COLUMNS, {
    indicator_code: sorted.map((r) => r.indicator_code),
    value: sorted.map((r) => r.value),
    numerator: sorted.map((r) => r.numerator),
    denominator: sorted.map((r) => r.denominator),
    note: sorted.map((r) => r.note),
    submission_id: new Array(n).fill(meta.submissionId),
    source_file: new Array(n).fill(meta.fileName),
    source_sheet: sorted.map((r) => r.source_sheet),
    source_row: sorted.map((r) => r.source_row),
    submitted_at: new Array(n).fill(meta.submittedAt),
    ingested_at: new Array(n).fill(meta.ingestedAt),
    source_column: sorted.map((r) => r.source_column ?? null),
    assessment: sorted.map((r) => r.assessment ?? null),
    unit: sorted.map((r) => r.unit),
    period: sorted.map((r) => r.period),
  });
}

/** The encoder of a small file, and of every file where no other thread is at hand. */
export async function* encodeInThread(parts: KpiRecord[][], meta: KpiFileMeta): AsyncGenerator<EncodedPartition> {
  for (const records of parts) yield { records, file: kpiValuesFile(records, meta) };
}
