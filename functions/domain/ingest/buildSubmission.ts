import { ingestError, RejectedFileError, type Subject } from './errors.ts';
import { LIMITS } from '../limits.ts';
import { formatNumber } from './validateObservation.ts';
import type { IngestError, KpiRecord, Layout } from '../types.ts';

export const MAX_LISTED_ERRORS = 500;

/**
 * Gathers what every sheet of one file yields: records, errors, layouts. Keeps the checks that
 * span rows (the same indicator twice) and bounds the error list so a broken file stays small.
 */
export class SubmissionBuilder {
  readonly records: KpiRecord[] = [];
  readonly errors: IngestError[] = [];
  /** What is worth a look but does not make the file wrong (a stated total that is not its rows' sum). */
  readonly warnings: IngestError[] = [];
  readonly layouts: Layout[] = [];
  private unlisted = 0;
  /** unit → period → indicator: no key string to build per record. */
  private readonly seen = new Map<string, Map<string, Map<string, KpiRecord>>>();

  addError(error: IngestError): void {
    if (this.errors.length < MAX_LISTED_ERRORS) this.errors.push(error);
    else this.unlisted++;
  }

  addWarning(warning: IngestError): void {
    if (this.warnings.length < MAX_LISTED_ERRORS) this.warnings.push(warning);
  }

  /** `names`: the record's indicator and unit as the clerk knows them, for the error of a value given twice. */
  addRecord(record: KpiRecord, column: string | null, names?: { indicator: Subject; unit: Subject }): void {
    let byPeriod = this.seen.get(record.unit);
    if (!byPeriod) this.seen.set(record.unit, (byPeriod = new Map()));
    let byIndicator = byPeriod.get(record.period);
    if (!byIndicator) byPeriod.set(record.period, (byIndicator = new Map()));
    // A value and the points given for it are different things: each is checked against its kind.
    const key = record.assessment ? `${record.indicator_code}|${record.assessment}` : record.indicator_code;
    const earlier = byIndicator.get(key);
    if (!earlier) {
      // Every value is kept until the file is accepted whole or refused: their number is what is bounded.
      if (this.records.length >= LIMITS.maxValues) {
        throw new RejectedFileError(ingestError('FILE_TOO_COMPLEX', { sheet: record.source_sheet, row: record.source_row }, { detail: `> ${LIMITS.maxValues.toLocaleString('en')} giá trị / values` }));
      }
      byIndicator.set(key, record);
      this.records.push(record);
      return;
    }
    const same = earlier.value === record.value
      && earlier.numerator === record.numerator
      && earlier.denominator === record.denominator;
    // The same value written twice (a copied row) is one value; two different ones are a conflict.
    if (same) return;
    this.addError(ingestError('DUPLICATE_CONFLICT', { sheet: record.source_sheet, row: record.source_row, column }, {
      unit: names?.unit.vi ?? record.unit,
      unitEn: names?.unit.en ?? record.unit,
      period: record.period,
      first: earlier.value === null ? 'rút / withdrawn' : formatNumber(earlier.value),
      firstRow: earlier.source_sheet === record.source_sheet ? earlier.source_row : `${earlier.source_row} (${earlier.source_sheet})`,
      second: record.value === null ? 'rút / withdrawn' : formatNumber(record.value),
    }, names?.indicator ?? { vi: record.indicator_code, en: record.indicator_code }));
  }

  /** Errors as reported: every listed one, then a line for those not listed. */
  allErrors(): IngestError[] {
    return this.unlisted > 0
      ? [...this.errors, ingestError('TOO_MANY_ERRORS', {}, { count: this.unlisted })]
      : this.errors;
  }

  get errorCount(): number {
    return this.errors.length + this.unlisted;
  }
}
