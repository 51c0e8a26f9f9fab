import { SubmissionBuilder } from './buildSubmission.ts';
import { ingestError } from './errors.ts';
import { SheetExtractor } from './extractSheet.ts';
import type { CatalogIndex } from './ingestContext.ts';
import { periodStart } from './parsePeriod.ts';
import { readFileHints } from './resolveContext.ts';
import type { IngestError, KpiRecord, Layout, SheetRow } from '../types.ts';

/** A sheet as a reader streams it. */
export interface SheetSource {
  name: string;
  rows: AsyncIterable<SheetRow> | Iterable<SheetRow>;
}

export interface Extraction {
  layout: Layout | null;
  records: KpiRecord[];
  errors: IngestError[];
  warnings: IngestError[];
}

/**
 * read → detect layout → match → parse values → validate, over every sheet of one file.
 * Bad input becomes errors, never exceptions; the caller decides accept or reject.
 * `today` is the reporting calendar's date (YYYY-MM-DD), passed in so this stays pure.
 */
export async function extractSubmission(
  sheets: AsyncIterable<SheetSource> | Iterable<SheetSource>,
  fileName: string,
  index: CatalogIndex,
  today: string,
): Promise<Extraction> {
  const out = new SubmissionBuilder();
  const hints = readFileHints(fileName, index);
  let tables = 0;
  for await (const sheet of sheets) {
    const extractor = new SheetExtractor(sheet.name, index, hints, out);
    for await (const row of sheet.rows) extractor.push(row);
    if (extractor.finish()) {
      tables++;
      out.layouts.push(extractor.layout!);
    }
  }
  if (tables === 0) out.addError(ingestError('NO_TABLE'));
  else if (out.records.length === 0 && out.errorCount === 0) out.addError(ingestError('NO_DATA'));
  checkFuturePeriods(out, today);
  return { layout: out.layouts[0] ?? null, records: out.records, errors: out.allErrors(), warnings: out.warnings };
}

/** A report for a period that has not started is a typing mistake in the year or the quarter. */
function checkFuturePeriods(out: SubmissionBuilder, today: string): void {
  const firstRecord = new Map<string, KpiRecord>();
  for (const record of out.records) if (!firstRecord.has(record.period)) firstRecord.set(record.period, record);
  for (const [period, record] of firstRecord) {
    if (periodStart(period) > today) {
      out.addError(ingestError('PERIOD_IN_FUTURE', { sheet: record.source_sheet, row: record.source_row }, { period, today }));
    }
  }
}
