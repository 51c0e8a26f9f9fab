import { columnLetter } from './columnLetter.ts';
import { normalizeKey } from './normalizeText.ts';
import { aboutIndicator, indicatorSubject, ingestError } from './errors.ts';
import type { ParsedNumber } from './parseNumber.ts';
import { cellBoolean, cellNumber, cellText, roundFloat } from './readCell.ts';
import type { Indicator, IngestError, SheetRow } from '../types.ts';

/** Where one indicator's cells are in a row (column indices; absent when the table has none). */
export interface ObservationColumns {
  value?: number;
  numerator?: number;
  denominator?: number;
  note?: number;
}

export type ObservationResult =
  | { kind: 'blank' }
  | { kind: 'withdrawn'; note: string | null }
  | { kind: 'ok'; value: number; numerator: number | null; denominator: number | null; note: string | null }
  | { kind: 'errors'; errors: IngestError[] };

/** How the readers spell a formula saved without its computed value (see adapters/readers/readXlsx.ts). */
export const UNCOMPUTED_FORMULA = '(công thức chưa tính / formula not calculated)';

/** Whether a reader found a formula saved with no computed value in this cell (not an error value). */
export function isUncomputedFormula(row: SheetRow, column: number): boolean {
  return (row.errorColumns?.includes(column) ?? false) && row.cells[column] === UNCOMPUTED_FORMULA;
}

/** The words a clerk writes to withdraw a value stated earlier for the same unit and period. */
const WITHDRAW = /^(rut|rut so lieu|rut gia tri|huy|huy so lieu|withdraw|withdrawn)$/;

export function isWithdrawal(text: string): boolean {
  return WITHDRAW.test(normalizeKey(text));
}

/** A share written as 95% may stand for 95.4%: reports round, so allow half a point. */
export const AGREEMENT_TOLERANCE = 0.5;

/**
 * Reads one indicator's cells in one row and checks them on their own: numbers parse,
 * counts are whole and not negative, the numerator is not above the denominator, a percent is
 * within 0–100 and agrees with its counts. Blank cells mean the indicator was not reported.
 */
export function validateObservation(
  row: SheetRow,
  columns: ObservationColumns,
  indicator: Indicator,
  sheet: string,
): ObservationResult {
  const result = readObservation(row, columns, indicator, sheet);
  // Every error of the row leads with the indicator's short name: "dòng 14" alone makes a clerk count rows.
  if (result.kind !== 'errors') return result;
  const about = indicatorSubject(indicator);
  return { kind: 'errors', errors: result.errors.map((e) => aboutIndicator(e, about)) };
}

function readObservation(row: SheetRow, columns: ObservationColumns, indicator: Indicator, sheet: string): ObservationResult {
  const errors: IngestError[] = [];
  const at = (column: number) => where(sheet, row, column);
  const note = columns.note !== undefined ? cellText(row.cells[columns.note]) || null : null;

  // A formula saved with no computed value (a workbook written by openpyxl, a script or a web
  // tool, none of which calculate) is not an error value. A share's result beside its count
  // columns (the template's formula) is read as a blank result, as Excel would have computed it:
  // from both counts, refused as incomplete with one, and a row left empty is not reported, as in
  // a template Excel saved. Anything else read from such a cell has nothing to stand on, and the
  // clerk is told how to get the values calculated.
  const given = (c: number | undefined) => c !== undefined && cellText(row.cells[c]) !== '' && !row.errorColumns?.includes(c);
  const shareBesideCounts = indicator.measure === 'percent' && columns.numerator !== undefined && columns.denominator !== undefined;
  if (indicator.measure !== 'boolean' && columns.value !== undefined && isUncomputedFormula(row, columns.value)
    && (shareBesideCounts || given(columns.numerator) || given(columns.denominator))) {
    const blank = columns.value;
    row = { ...row, cells: row.cells.map((v, i) => (i === blank ? null : v)), errorColumns: row.errorColumns!.filter((c) => c !== blank) };
  }
  const formulaError = [columns.value, columns.numerator, columns.denominator].find(
    (c) => c !== undefined && row.errorColumns?.includes(c),
  );
  if (formulaError !== undefined && isUncomputedFormula(row, formulaError)) {
    return { kind: 'errors', errors: [ingestError('FORMULA_NOT_CALCULATED', at(formulaError))] };
  }
  if (formulaError !== undefined) {
    return { kind: 'errors', errors: [ingestError('VALUE_FORMULA_ERROR', at(formulaError), { value: cellText(row.cells[formulaError]) || '#ERROR' })] };
  }

  // A value is withdrawn only when said so; a blank cell keeps what an earlier report stated.
  const stated = [columns.value, columns.numerator].filter((c): c is number => c !== undefined);
  if (stated.some((c) => isWithdrawal(cellText(row.cells[c])))) return { kind: 'withdrawn', note };

  if (indicator.measure === 'boolean') {
    if (columns.value === undefined) return { kind: 'blank' };
    const answer = cellBoolean(row, columns.value);
    if (answer === 'blank') return { kind: 'blank' };
    if (answer === 'invalid') {
      return { kind: 'errors', errors: [ingestError('BOOLEAN_INVALID', at(columns.value), { value: cellText(row.cells[columns.value]) })] };
    }
    return { kind: 'ok', value: answer, numerator: null, denominator: null, note };
  }

  const valueCell = readNumber(row, columns.value, sheet, errors);
  const numeratorCell = readNumber(row, columns.numerator, sheet, errors);
  const denominatorCell = readNumber(row, columns.denominator, sheet, errors);
  if (errors.length) return { kind: 'errors', errors };

  if (indicator.measure === 'count') {
    // A count (meetings held in the year): a whole number, no share, no denominator. A long
    // table has one column for shares and one for counts: the count may be in either, and a
    // number written in the other one is never passed over in silence.
    if (denominatorCell) return { kind: 'errors', errors: [ingestError('COUNT_WITH_DENOMINATOR', at(columns.denominator!), { value: denominatorCell.value })] };
    if (valueCell && numeratorCell && valueCell.value !== numeratorCell.value) {
      return { kind: 'errors', errors: [ingestError('COUNT_STATED_TWICE', at(columns.value!), { value: valueCell.value, other: numeratorCell.value })] };
    }
    const cell = valueCell ?? numeratorCell;
    const column = valueCell ? columns.value : columns.numerator;
    if (!cell) return { kind: 'blank' };
    if (cell.value < 0) return { kind: 'errors', errors: [ingestError('NEGATIVE_COUNT', at(column!), { value: cell.value })] };
    if (!Number.isInteger(cell.value)) return { kind: 'errors', errors: [ingestError('NON_INTEGER_COUNT', at(column!), { value: cell.value })] };
    return { kind: 'ok', value: cell.value, numerator: null, denominator: null, note };
  }

  if (!valueCell && !numeratorCell && !denominatorCell) return { kind: 'blank' };

  const numerator = numeratorCell ? numeratorCell.value : null;
  const denominator = denominatorCell ? denominatorCell.value : null;
  for (const [count, column] of [[numerator, columns.numerator], [denominator, columns.denominator]] as const) {
    if (count === null) continue;
    if (count < 0) errors.push(ingestError('NEGATIVE_COUNT', at(column!), { value: count }));
    else if (!Number.isInteger(count)) errors.push(ingestError('NON_INTEGER_COUNT', at(column!), { value: count }));
  }
  if (errors.length) return { kind: 'errors', errors };
  if (numerator !== null && denominator !== null && numerator > denominator) {
    errors.push(ingestError('NUMERATOR_ABOVE_DENOMINATOR', at(columns.numerator!), { numerator, denominator }));
    return { kind: 'errors', errors };
  }

  let value = valueCell ? valueCell.value : null;
  if (numerator !== null && denominator !== null) {
    if (denominator === 0) {
      if (value === null) return { kind: 'errors', errors: [ingestError('DENOMINATOR_ZERO', at(columns.denominator!))] };
    } else {
      // The counts are the facts; a stated share (the template's ROUND(C/D*100,1)) is only checked
      // against them, and the stored value is their exact ratio: 135/256 is 52.734375, not 52.7.
      const computed = roundFloat((numerator / denominator) * 100);
      const stated = value;
      value = computed;
      if (stated !== null && Math.abs(stated - computed) > AGREEMENT_TOLERANCE) {
        // A formula =B5/C5 without a % format leaves a fraction: 0.955 for 95.5%.
        const asFraction = roundFloat(stated * 100);
        const fractionAgrees = !valueCell!.percent && stated <= 1 && Math.abs(asFraction - computed) <= AGREEMENT_TOLERANCE;
        if (!fractionAgrees) {
          return {
            kind: 'errors',
            errors: [ingestError('VALUE_DISAGREES', at(columns.value!), {
              value: formatNumber(stated), numerator, denominator, computed: formatNumber(computed),
            })],
          };
        }
      }
    }
  } else if (value === null) {
    return { kind: 'errors', errors: [ingestError('COUNTS_INCOMPLETE', at((columns.numerator ?? columns.denominator)!))] };
  }
  if (value < 0 || value > 100) {
    const column = columns.value ?? columns.numerator!;
    return { kind: 'errors', errors: [ingestError('PERCENT_OUT_OF_RANGE', at(column), { value: formatNumber(value), raw: value })] };
  }
  return { kind: 'ok', value, numerator, denominator, note };
}

function where(sheet: string, row: SheetRow, column: number) {
  return { sheet, row: row.number, column: columnLetter(column) };
}

type NumberRead = Extract<ParsedNumber, { kind: 'number' }>;

function readNumber(row: SheetRow, column: number | undefined, sheet: string, errors: IngestError[]): NumberRead | null {
  if (column === undefined) return null;
  const parsed = cellNumber(row, column);
  if (parsed.kind === 'invalid') errors.push(ingestError('VALUE_INVALID', where(sheet, row, column), { value: cellText(row.cells[column]) }));
  return parsed.kind === 'number' ? parsed : null;
}

/** 95.5 → "95,5" as Vietnamese readers write it; up to two decimals. */
export function formatNumber(x: number): string {
  return String(Math.round(x * 100) / 100).replace('.', ',');
}
