import { CANONICAL_PERIOD, periodStart } from '../ingest/parsePeriod.ts';
import { addDays, isDate } from '../dates.ts';
import { addWorkingDays } from './workingDays.ts';
import { csvRows, type Problems } from './problems.ts';

export type Frequency = 'month' | 'quarter' | 'half' | 'nine_months' | 'year';
const FREQUENCIES: readonly Frequency[] = ['month', 'quarter', 'half', 'nine_months', 'year'];
/**
 * How a period's data is cut: `calendar` (statistical reports: the calendar period) or
 * `administrative` (administrative reports: from the 15th of the month before to the 14th of
 * the last month, Decree 09/2019/NĐ-CP).
 */
export type Convention = 'calendar' | 'administrative';
const CONVENTIONS: readonly Convention[] = ['calendar', 'administrative'];
const ADMINISTRATIVE_CUTOFF = 14;

/**
 * When reports are due: per frequency, the deadline (days after the period's last day, or
 * working days after the data cut-off), the data cut-off (a day of the period's last month: the
 * 14th for quarterly reports under Decree 09/2019/NĐ-CP) and the convention the data is cut by;
 * or, for one period, a deadline set by hand (an exception).
 */
export type CalendarRule =
  | { kind: 'rule'; frequency: Frequency; deadlineDays: number | null; cutoffDay: number | null; workingDays?: number | null; convention?: Convention }
  | { kind: 'exception'; period: string; deadline: string };

/**
 * Reads calendar.csv: frequency, deadline_days, cutoff_day, period, deadline, and optionally
 * deadline_working_days and convention. A line with a frequency is the rule for it (one each);
 * a line with a period is an exception for that period.
 */
export function parseCalendar(text: string, problems: Problems, file = 'calendar.csv'): CalendarRule[] {
  const rules: CalendarRule[] = [];
  const seen = new Set<string>();
  for (const r of csvRows(text, file, ['frequency', 'deadline_days', 'cutoff_day', 'period', 'deadline'], problems)) {
    const at = (column: string, vi: string, en: string) => problems.add(file, r.__line, column, vi, en);
    const before = problems.count;
    if (r.period) {
      if (!CANONICAL_PERIOD.test(r.period)) at('period', `kỳ "${r.period}" phải viết như 2025-Q3, 2025-09, 2025-H1, 2025-M9 hoặc 2025`, `period "${r.period}" must read like 2025-Q3, 2025-09, 2025-H1, 2025-M9 or 2025`);
      if (!isDate(r.deadline ?? '')) at('deadline', `hạn "${r.deadline}" phải có dạng YYYY-MM-DD`, `deadline "${r.deadline}" must be YYYY-MM-DD`);
      if (seen.has(r.period)) at('period', `kỳ ${r.period} có hai ngoại lệ`, `period ${r.period} has two exceptions`);
      seen.add(r.period);
      if (problems.count === before) rules.push({ kind: 'exception', period: r.period, deadline: r.deadline! });
      continue;
    }
    const frequency = r.frequency as Frequency;
    if (!FREQUENCIES.includes(frequency)) at('frequency', `tần suất "${r.frequency}" không thuộc ${FREQUENCIES.join(', ')}`, `frequency "${r.frequency}" is not one of ${FREQUENCIES.join(', ')}`);
    const whole = (cell: string | undefined) => (cell ? (Number.isInteger(Number(cell)) && Number(cell) >= 0 && Number(cell) <= 366 ? Number(cell) : Number.NaN) : null);
    const days = whole(r.deadline_days);
    const workingDays = whole(r.deadline_working_days);
    if (Number.isNaN(days)) at('deadline_days', `số ngày "${r.deadline_days}" phải là số nguyên từ 0 đến 366`, `deadline_days "${r.deadline_days}" must be a whole number from 0 to 366`);
    if (Number.isNaN(workingDays)) at('deadline_working_days', `số ngày làm việc "${r.deadline_working_days}" phải là số nguyên từ 0 đến 366`, `deadline_working_days "${r.deadline_working_days}" must be a whole number from 0 to 366`);
    if (days === null && workingDays === null) at('deadline_days', 'cần deadline_days (ngày sau cuối kỳ) hoặc deadline_working_days (ngày làm việc sau ngày chốt số liệu)', 'give deadline_days (days after the period ends) or deadline_working_days (working days after the cut-off)');
    if (days !== null && workingDays !== null) at('deadline_working_days', 'chỉ ghi một trong deadline_days và deadline_working_days', 'give deadline_days or deadline_working_days, not both');
    const convention = (r.convention || 'calendar') as Convention;
    if (!CONVENTIONS.includes(convention)) at('convention', `cách chốt số liệu "${r.convention}" không thuộc ${CONVENTIONS.join(', ')}`, `convention "${r.convention}" is not one of ${CONVENTIONS.join(', ')}`);
    const cutoff = r.cutoff_day ? Number(r.cutoff_day) : convention === 'administrative' ? ADMINISTRATIVE_CUTOFF : null;
    if (cutoff !== null && !(Number.isInteger(cutoff) && cutoff >= 1 && cutoff <= 31)) at('cutoff_day', `ngày chốt số liệu "${r.cutoff_day}" phải từ 1 đến 31`, `cutoff_day "${r.cutoff_day}" must be from 1 to 31`);
    if (seen.has(frequency)) at('frequency', `tần suất ${frequency} có hai quy định`, `frequency ${frequency} has two rules`);
    seen.add(frequency);
    if (problems.count === before) rules.push({ kind: 'rule', frequency, deadlineDays: days, cutoffDay: cutoff, workingDays, convention });
  }
  return rules;
}

/** A period as the periods dimension lists it: its kind is its frequency. */
export interface CalendarPeriod { period: string; kind: Frequency; end_date: string; start_date?: string }

/** The given day of `date`'s month, or the month's last day when it has fewer. */
const dayOfMonth = (date: string, day: number) => {
  const last = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)), 0)).getUTCDate();
  return `${date.slice(0, 8)}${String(Math.min(day, last)).padStart(2, '0')}`;
};

/**
 * Each period of a frequency with a rule (or with an exception): the span its data covers
 * (administrative: from the day after the cut-off of the month before it begins), its cut-off
 * and its deadline, in working days after the cut-off where the rule says so (weekends and
 * `holidays` skipped).
 */
export function periodDeadlines(rules: readonly CalendarRule[], periods: readonly CalendarPeriod[], holidays: readonly { date: string }[] = []) {
  const byFrequency = new Map(rules.filter((r) => r.kind === 'rule').map((r) => [r.frequency, r]));
  const exceptions = new Map(rules.filter((r) => r.kind === 'exception').map((r) => [r.period, r.deadline]));
  const daysOff = new Set(holidays.map((h) => h.date));
  return periods.flatMap(({ period, kind, end_date, start_date }) => {
    const rule = byFrequency.get(kind);
    const exception = exceptions.get(period);
    if (!rule && !exception) return [];
    const cutoff = rule?.cutoffDay ? dayOfMonth(end_date, rule.cutoffDay) : null;
    const convention = rule?.convention ?? 'calendar';
    const start = start_date ?? periodStart(period);
    const dataFrom = convention === 'administrative' && rule?.cutoffDay ? addDays(dayOfMonth(addDays(start, -1), rule.cutoffDay), 1) : start;
    const deadline = exception
      ?? (rule!.workingDays !== null && rule!.workingDays !== undefined
        ? addWorkingDays(cutoff ?? end_date, rule!.workingDays, daysOff)
        : addDays(end_date, rule!.deadlineDays ?? 0));
    return [{
      period, frequency: kind, cutoff_date: cutoff, deadline, exception: exception ? 'yes' : 'no',
      convention, data_from: dataFrom, data_to: convention === 'administrative' && cutoff ? cutoff : end_date, working_days: rule?.workingDays ?? null,
    }];
  });
}

/**
 * The reporting_calendar table: each period's cut-off and deadline, and the instant the deadline
 * day ends where the units are (UTC+offset), as a report's arrival is judged.
 */
export function calendarRows(rules: readonly CalendarRule[], periods: readonly CalendarPeriod[], utcOffsetHours: number, holidays: readonly { date: string }[] = []) {
  return periodDeadlines(rules, periods, holidays).map((row) => ({
    ...row,
    deadline_end_utc: new Date(Date.parse(`${addDays(row.deadline, 1)}T00:00:00Z`) - utcOffsetHours * 3_600_000),
  }));
}
