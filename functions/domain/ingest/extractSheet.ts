import type { SubmissionBuilder } from './buildSubmission.ts';
import { columnLetter } from './columnLetter.ts';
import { detectTable, isNumberingRow, type DetectedTable, type Role, type TableColumn } from './detectTable.ts';
import { indicatorSubject, ingestError } from './errors.ts';
import { describeEntry, unitOfPeriod, type CatalogIndex } from './ingestContext.ts';
import type { MatchResult } from './matchName.ts';
import { isRomanNumeral, normalizeKey } from './normalizeText.ts';
import { parsePeriod, periodEnd, periodStart } from './parsePeriod.ts';
import { successorsOf } from '../registry/successorsOf.ts';
import { addDays } from '../dates.ts';
import { cellNumber, cellText, roundFloat } from './readCell.ts';
import { resolveSheetContext, type FileHints, type SheetContext } from './resolveContext.ts';
import type { Indicator, Layout, SheetRow, Unit } from '../types.ts';
import { isUncomputedFormula, validateObservation, type ObservationColumns } from './validateObservation.ts';

/** A table's header must start within this many rows of the top of its sheet. */
export const HEADER_SCAN_ROWS = 40;

/** Points are written with one decimal: a total within half of that agrees with its rows. */
const TOTAL_TOLERANCE = 0.05;

/** "Tổng cộng", "TỔNG CỘNG (I+II)", "Tổng điểm tự chấm", "Toàn huyện", "Bình quân": a row that adds up or averages others. */
const TOTAL_ROW = /^(tong cong|tong so|tong diem|tong|cong|toan huyen|toan tinh|toan xa|binh quan|trung binh|total)( (toan huyen|toan tinh|toan xa|so diem|diem|tu cham|tu danh gia|[ivx]+))*$/;
/** A total that is a sum (not an average), so its points can be checked against the rows above. */
const SUM_ROW = /^(tong|cong|total)/;

const UNIT_TYPE_VI: Record<string, string> = { department: 'phòng, ban', police: 'công an', commune: 'xã, thị trấn' };

/**
 * Turns one sheet's rows, fed one at a time, into records and errors. It buffers only the
 * first rows (to find the header); after that each row is handled as it arrives, so a sheet of
 * any length is read in bounded memory.
 */
export class SheetExtractor {
  private buffer: SheetRow[] = [];
  private table: DetectedTable | null = null;
  private done = false;
  private context: SheetContext = { unit: null, period: null, errors: [] };
  private roleColumn = new Map<Role, number>();
  private groups: { indicator: Indicator; columns: ObservationColumns; first: TableColumn }[] = [];
  private unknownColumns: TableColumn[] = [];
  private reportedUnknownColumns = new Set<number>();
  private reportedMissing = new Set<string>();
  /** Points given on this sheet so far, by kind: what a self-assessment's total row should state. */
  private readonly pointsSum = { self: 0, appraised: 0 };
  /** A long table repeats a handful of period spellings thousands of times. */
  private readonly periodCache = new Map<string, string | null>();

  constructor(
    readonly sheet: string,
    private readonly index: CatalogIndex,
    private readonly hints: FileHints,
    private readonly out: SubmissionBuilder,
  ) {}

  get layout(): Layout | null {
    return this.table?.layout ?? null;
  }

  push(row: SheetRow): void {
    if (this.table) return this.processRow(row);
    if (this.done) return;
    this.buffer.push(row);
    if (this.buffer.length >= HEADER_SCAN_ROWS) this.detect();
  }

  /** Ends the sheet; says whether it held a table. */
  finish(): boolean {
    if (!this.table && !this.done) this.detect();
    return this.table !== null;
  }

  private detect(): void {
    this.done = true;
    const rows = this.buffer;
    this.buffer = [];
    // A header is read as written: a header cell merged down (a two-level header) names one row.
    const asWritten = rows.map((r) => {
      if (!r.filled) return r;
      const filled = new Set(r.filled); // a row may have as many filled cells as columns: no scan per cell
      return { ...r, cells: r.cells.map((v, i) => (filled.has(i) ? null : v)) };
    });
    const table = detectTable(asWritten, this.index.indicators);
    if (!table) return;
    this.table = table;
    for (const column of table.columns) {
      if (column.role && !this.roleColumn.has(column.role)) this.roleColumn.set(column.role, column.index);
    }
    this.context = resolveSheetContext(asWritten.slice(0, table.headerStart), this.sheet, this.hints, this.index, {
      unit: table.layout === 'form' || table.layout === 'assessment',
    });
    for (const error of this.context.errors) this.out.addError(error);
    if (table.layout === 'wide') this.groupIndicatorColumns(table.columns);
    let body = rows.slice(table.headerStart + table.headerRows);
    if (body[0] && isNumberingRow(body[0])) body = body.slice(1);
    for (const row of body) this.processRow(row);
  }

  private groupIndicatorColumns(columns: TableColumn[]): void {
    const byCode = new Map<string, { indicator: Indicator; columns: ObservationColumns; first: TableColumn }>();
    for (const column of columns) {
      if (column.indicator) {
        const group = byCode.get(column.indicator.code) ?? { indicator: column.indicator, columns: {}, first: column };
        group.columns[column.part ?? 'value'] ??= column.index;
        byCode.set(column.indicator.code, group);
      } else if (!column.role && column.header) {
        this.unknownColumns.push(column);
      }
    }
    this.groups = [...byCode.values()];
  }

  private column(role: Role): number | undefined {
    return this.roleColumn.get(role);
  }

  private text(row: SheetRow, role: Role): string {
    const c = this.column(role);
    return c === undefined ? '' : cellText(row.cells[c]);
  }

  private processRow(row: SheetRow): void {
    if (row.cells.every((c) => c === null || c === undefined || c === '')) return;
    const stt = this.text(row, 'stt');
    if (stt && isRomanNumeral(stt)) return; // a section row: "I. Khối xã, thị trấn"
    // A total row names no indicator and no unit: skipped in every layout, a self-assessment's points checked.
    if (this.totalLabel(row)) return this.checkTotal(row);
    switch (this.table!.layout) {
      case 'form': return this.processFormRow(row);
      case 'long': return this.processLongRow(row);
      case 'wide': return this.processWideRow(row);
      case 'assessment': return this.processAssessmentRow(row);
    }
  }

  private totalLabel(row: SheetRow): string | null {
    for (const role of ['stt', 'unit', 'indicatorName', 'indicatorCode'] as const) {
      const key = normalizeKey(this.text(row, role));
      if (key && TOTAL_ROW.test(key)) return key;
    }
    return null;
  }

  /** A self-assessment's stated total against the sum of its rows: a warning, the rows are what is stored. */
  private checkTotal(row: SheetRow): void {
    if (this.table!.layout !== 'assessment' || !SUM_ROW.test(this.totalLabel(row)!)) return;
    for (const kind of ['self', 'appraised'] as const) {
      const c = this.column(kind === 'self' ? 'selfPoints' : 'appraisedPoints');
      const stated = c === undefined ? null : cellNumber(row, c);
      if (stated?.kind !== 'number') continue;
      const sum = roundFloat(this.pointsSum[kind]);
      if (Math.abs(stated.value - sum) > TOTAL_TOLERANCE) {
        this.out.addWarning(ingestError('TOTAL_DIFFERS', { sheet: this.sheet, row: row.number, column: columnLetter(c!) }, {
          stated: stated.value, sum,
        }));
      }
    }
  }

  private valueColumns(): ObservationColumns {
    return {
      value: this.column('value'),
      numerator: this.column('numerator'),
      denominator: this.column('denominator'),
      note: this.column('note'),
    };
  }

  /** Whether any of these cells holds something that reads as a number or a yes/no. */
  private holdsValues(row: SheetRow, columns: (number | undefined)[]): boolean {
    return columns.some((c) => c !== undefined && cellNumber(row, c).kind === 'number');
  }

  private matchIndicator(row: SheetRow, columns: ObservationColumns): Indicator | null {
    const code = this.text(row, 'indicatorCode');
    const name = this.text(row, 'indicatorName');
    const valueCells = [columns.value, columns.numerator, columns.denominator];
    const hasValues = this.holdsValues(row, valueCells)
      || (columns.value !== undefined && cellText(row.cells[columns.value]) !== '' && /^(x|co|khong|chua|da)/.test(normalizeKey(cellText(row.cells[columns.value]))));
    if (!code && !name) {
      if (hasValues) this.out.addError(ingestError('INDICATOR_MISSING', { sheet: this.sheet, row: row.number, column: columnLetter(this.column('indicatorName') ?? this.column('indicatorCode') ?? 0) }));
      return null;
    }
    const byCode = code ? this.index.indicators.match(code) : null;
    const result = byCode?.kind === 'match' ? byCode : this.index.indicators.match(name || code);
    if (result.kind === 'match') return result.entry;
    // Headings, signatures and notes under the table name no indicator and hold no values.
    if (!hasValues) return null;
    const column = columnLetter((name ? this.column('indicatorName') : this.column('indicatorCode')) ?? 0);
    this.reportMatchFailure(result, name || code, { sheet: this.sheet, row: row.number, column }, 'INDICATOR');
    return null;
  }

  private reportMatchFailure(
    result: MatchResult<Unit | Indicator>,
    value: string,
    where: { sheet: string; row: number; column: string },
    kind: 'UNIT' | 'INDICATOR',
  ): void {
    if (result.kind === 'ambiguous') {
      this.out.addError(ingestError(`${kind}_AMBIGUOUS`, where, { value, suggest: result.candidates.map(describeEntry).join(', ') }));
    } else if (result.kind === 'unknown') {
      this.out.addError(ingestError(`${kind}_UNKNOWN`, where, { value, suggest: result.suggestions.map(describeEntry).join(', ') }));
    }
  }

  private processFormRow(row: SheetRow): void {
    const columns = this.valueColumns();
    const indicator = this.matchIndicator(row, columns);
    if (!indicator) return;
    this.emit(row, indicator, columns, this.context.unit, this.context.period);
  }

  private rowUnit(row: SheetRow, hasValues: boolean, period: string | null): Unit | null | 'skip' {
    const c = this.column('unit')!;
    const text = cellText(row.cells[c]);
    const where = { sheet: this.sheet, row: row.number, column: columnLetter(c) };
    if (!text) {
      if (hasValues) this.out.addError(ingestError('UNIT_MISSING', where));
      return 'skip';
    }
    const match = unitOfPeriod(this.index.units.match(text), period);
    if (match.kind === 'match') return match.entry;
    if (!hasValues) return 'skip';
    this.reportMatchFailure(match, text, where, 'UNIT');
    return null;
  }

  private rowPeriod(row: SheetRow): string | null {
    const c = this.column('period');
    const text = c === undefined ? '' : cellText(row.cells[c]);
    if (!text) return this.context.period;
    let period = this.periodCache.get(text);
    if (period === undefined) {
      period = parsePeriod(text);
      if (this.periodCache.size < 10_000) this.periodCache.set(text, period);
    }
    const where = { sheet: this.sheet, row: row.number, column: columnLetter(c!) };
    if (!period) {
      this.out.addError(ingestError('PERIOD_INVALID', where, { value: text }));
      return null;
    }
    if (this.context.period && this.context.period !== period) {
      this.out.addError(ingestError('PERIOD_CONFLICT', where, { detail: `${period} ← "${text}"; ${this.context.period} ← ${this.sheet}` }));
      return null;
    }
    return period;
  }

  private processLongRow(row: SheetRow): void {
    const columns = this.valueColumns();
    const hasValues = this.holdsValues(row, [columns.value, columns.numerator, columns.denominator]);
    const period = this.rowPeriod(row);
    const unit = this.rowUnit(row, hasValues, period);
    if (unit === 'skip') return;
    const indicator = this.matchIndicator(row, columns);
    if (!indicator) return;
    this.emit(row, indicator, columns, unit, period);
  }

  private processWideRow(row: SheetRow): void {
    const valueCells = this.groups.flatMap((g) => [g.columns.value, g.columns.numerator, g.columns.denominator]);
    const hasValues = this.holdsValues(row, valueCells);
    const period = this.rowPeriod(row);
    const unit = this.rowUnit(row, hasValues, period);
    if (unit === 'skip') return;
    for (const column of this.unknownColumns) {
      if (this.reportedUnknownColumns.has(column.index) || cellNumber(row, column.index).kind !== 'number') continue;
      this.reportedUnknownColumns.add(column.index);
      const match = this.index.indicators.match(column.header);
      const suggestions = match.kind === 'unknown' ? match.suggestions : match.kind === 'ambiguous' ? match.candidates : [match.entry];
      this.out.addError(ingestError('COLUMN_UNKNOWN', { sheet: this.sheet, row: row.number, column: column.letter }, {
        value: column.header, suggest: suggestions.map(describeEntry).join(', '),
      }));
    }
    for (const group of this.groups) this.emit(row, group.indicator, group.columns, unit, period);
  }

  /**
   * A report for a period after its unit ceased is refused, naming the successors; one for a
   * period before the unit existed likewise. Said once per unit and period.
   */
  private unitExistsIn(unit: Unit, period: string, row: SheetRow, column: string): boolean {
    if (!unit.validFrom && !unit.validTo) return true;
    const start = periodStart(period);
    const end = periodEnd(period);
    const retired = unit.validTo && start > unit.validTo;
    const early = unit.validFrom && end < unit.validFrom;
    if (!retired && !early) return true;
    const key = `${unit.code}|${period}`;
    if (this.reportedMissing.has(key)) return false;
    this.reportedMissing.add(key);
    const where = { sheet: this.sheet, row: row.number, column };
    if (retired) {
      const events = this.index.catalog.events ?? [];
      // The successors of the report's period (Tam Hồng's 2024 successor is the town, not the 2025 commune).
      const successors = successorsOf(unit.code, events, new Set(), end)
        .map((code) => this.index.catalog.units.find((u) => u.code === code))
        .filter((u): u is Unit => Boolean(u) && u!.code !== unit.code);
      // Named, never coded: the clerk knows her commune by its name.
      const names = (lang: 'nameVi' | 'nameEn') => successors.map((u) => u[lang]).join(', ') || '— (không ghi nhận đơn vị kế thừa / no successor recorded)';
      this.out.addError(ingestError('UNIT_RETIRED', where, { unit: unit.nameVi, unitEn: unit.nameEn, until: unit.validTo!, after: addDays(unit.validTo!, 1), period, successors: names('nameVi'), successorsEn: names('nameEn') }));
    } else {
      this.out.addError(ingestError('UNIT_NOT_YET', where, { unit: unit.nameVi, unitEn: unit.nameEn, from: unit.validFrom!, period }));
    }
    return false;
  }

  /** A row with values but no period anywhere: said once per sheet, unless the sheet's own period was wrong. */
  private periodMissing(row: SheetRow): void {
    if (this.context.errors.some((e) => e.code.startsWith('PERIOD')) || this.reportedMissing.has('period')) return;
    this.reportedMissing.add('period');
    this.out.addError(ingestError('PERIOD_MISSING', { sheet: this.sheet, row: row.number }));
  }

  /**
   * A row of a self-assessment (or the province's appraisal): the points given to one component,
   * checked against the framework in force for the unit's type on the period's last day.
   */
  private processAssessmentRow(row: SheetRow): void {
    const kinds = ([['self', this.column('selfPoints')], ['appraised', this.column('appraisedPoints')]] as const)
      .filter((k): k is readonly ['self' | 'appraised', number] => k[1] !== undefined);
    const indicator = this.matchIndicator(row, { value: kinds[0]?.[1], numerator: kinds[1]?.[1] });
    if (!indicator) return;
    const stated = kinds.filter(([, c]) => cellNumber(row, c).kind !== 'blank' || cellText(row.cells[c]) !== '');
    if (stated.length === 0) return;
    const { unit, period } = this.context;
    const firstColumn = columnLetter(stated[0]![1]);
    if (!period) return this.periodMissing(row);
    if (!unit || !this.unitExistsIn(unit, period, row, firstColumn)) return;
    const day = periodEnd(period);
    const component = (this.index.catalog.frameworks ?? []).find((c) => c.indicatorCode === indicator.code && c.appliesTo.includes(unit.type)
      && c.validFrom <= day && (!c.validTo || c.validTo >= day));
    const where = (column: string) => ({ sheet: this.sheet, row: row.number, column });
    if (!component) {
      this.out.addError(ingestError('INDICATOR_NOT_SCORED', where(firstColumn), { unit: unit.nameVi, unitEn: unit.nameEn, period }, indicatorSubject(indicator)));
      return;
    }
    const maxColumn = this.column('maxPoints');
    const statedMax = maxColumn === undefined ? null : cellNumber(row, maxColumn);
    if (statedMax?.kind === 'number' && Math.abs(statedMax.value - component.maxPoints) > 1e-9) {
      this.out.addError(ingestError('MAX_POINTS_DIFFER', where(columnLetter(maxColumn!)), { stated: statedMax.value, max: component.maxPoints, framework: component.framework }, indicatorSubject(indicator)));
      return;
    }
    const evidence = this.text(row, 'note') || null;
    for (const [kind, c] of stated) {
      const parsed = cellNumber(row, c);
      const letter = columnLetter(c);
      if (isUncomputedFormula(row, c)) {
        this.out.addError(ingestError('FORMULA_NOT_CALCULATED', where(letter), { counts: 0 }, indicatorSubject(indicator)));
        continue;
      }
      if (parsed.kind !== 'number' || parsed.value < 0) {
        this.out.addError(ingestError('POINTS_INVALID', where(letter), { value: cellText(row.cells[c]) }, indicatorSubject(indicator)));
        continue;
      }
      if (parsed.value > component.maxPoints + 1e-9) {
        this.out.addError(ingestError('POINTS_ABOVE_MAX', where(letter), { points: parsed.value, max: component.maxPoints, framework: component.framework }, indicatorSubject(indicator)));
        continue;
      }
      this.pointsSum[kind] += parsed.value;
      this.out.addRecord({
        unit: unit.code, period, indicator_code: indicator.code, value: parsed.value, numerator: null, denominator: null,
        note: evidence, source_sheet: this.sheet, source_row: row.number, source_column: letter, assessment: kind,
      }, letter, { indicator: indicatorSubject(indicator), unit: { vi: unit.nameVi, en: unit.nameEn } });
    }
  }

  /** Validates one indicator of one row and hands the record on, with the checks that need the unit. */
  private emit(row: SheetRow, indicator: Indicator, columns: ObservationColumns, unit: Unit | null, period: string | null): void {
    const result = validateObservation(row, columns, indicator, this.sheet);
    if (result.kind === 'blank') return;
    if (result.kind === 'errors') {
      for (const error of result.errors) this.out.addError(error);
      return;
    }
    const column = columnLetter(columns.value ?? columns.numerator ?? 0);
    if (!period) return this.periodMissing(row);
    if (!unit) return;
    if (!this.unitExistsIn(unit, period, row, column)) return;
    if (!indicator.reportedBy.includes(unit.type)) {
      this.out.addError(ingestError('INDICATOR_NOT_FOR_UNIT_TYPE', { sheet: this.sheet, row: row.number, column }, {
        unit: unit.nameVi, unitEn: unit.nameEn, unitType: unit.type, unitTypeVi: UNIT_TYPE_VI[unit.type] ?? unit.type,
      }, indicatorSubject(indicator)));
      return;
    }
    this.out.addRecord({
      unit: unit.code,
      period,
      indicator_code: indicator.code,
      value: result.kind === 'withdrawn' ? null : result.value,
      numerator: result.kind === 'withdrawn' ? null : result.numerator,
      denominator: result.kind === 'withdrawn' ? null : result.denominator,
      note: result.note ?? (result.kind === 'withdrawn' ? 'rút / withdrawn' : null),
      source_sheet: this.sheet,
      source_row: row.number,
      source_column: column,
    }, column, { indicator: indicatorSubject(indicator), unit: { vi: unit.nameVi, en: unit.nameEn } });
  }
}
