import { CANONICAL_PERIOD } from '../ingest/parsePeriod.ts';
import { addDays, isDate } from '../dates.ts';
import { csvRows, type Problems } from './problems.ts';

export type Frequency = 'month' | 'quarter' | 'half' | 'year';
const FREQUENCIES: readonly Frequency[] = ['month', 'quarter', 'half', 'year'];

/**
 * When reports are due: per frequency, the deadline (days after the period's last day) and the
 * data cut-off (a day of the period's last month: the 14th for quarterly reports under Decree
 * 09/2019/NĐ-CP); or, for one period, a deadline set by hand (an exception).
 */
export type CalendarRule =
  | { kind: 'rule'; frequency: Frequency; deadlineDays: number; cutoffDay: number | null }
  | { kind: 'exception'; period: string; deadline: string };

/**
 * Reads calendar.csv: frequency, deadline_days, cutoff_day, period, deadline. A line with a
 * frequency is the rule for it (one each); a line with a period is an exception for that period.
 */
export function parseCalendar(text: string, problems: Problems, file = 'calendar.csv'): CalendarRule[] {
  const rules: CalendarRule[] = [];
  const seen = new Set<string>();
  for (const r of csvRows(text, file, ['frequency', 'deadline_days', 'cutoff_day', 'period', 'deadline'], problems)) {
    const at = (column: string, vi: string, en: string) => problems.add(file, r.__line, column, vi, en);
    const before = problems.count;
    if (r.period) {
      if (!CANONICAL_PERIOD.test(r.period)) at('period', `kỳ "${r.period}" phải viết như 2025-Q3, 2025-09, 2025-H1 hoặc 2025`, `period "${r.period}" must read like 2025-Q3, 2025-09, 2025-H1 or 2025`);
      if (!isDate(r.deadline ?? '')) at('deadline', `hạn "${r.deadline}" phải có dạng YYYY-MM-DD`, `deadline "${r.deadline}" must be YYYY-MM-DD`);
      if (seen.has(r.period)) at('period', `kỳ ${r.period} có hai ngoại lệ`, `period ${r.period} has two exceptions`);
      seen.add(r.period);
      if (problems.count === before) rules.push({ kind: 'exception', period: r.period, deadline: r.deadline! });
      continue;
    }
    const frequency = r.frequency as Frequency;
    if (!FREQUENCIES.includes(frequency)) at('frequency', `tần suất "${r.frequency}" không thuộc ${FREQUENCIES.join(', ')}`, `frequency "${r.frequency}" is not one of ${FREQUENCIES.join(', ')}`);
    const days = Number(r.deadline_days);
    if (!(r.deadline_days !== '' && Number.isInteger(days) && days >= 0 && days <= 366)) at('deadline_days', `số ngày "${r.deadline_days}" phải là số nguyên từ 0 đến 366`, `deadline_days "${r.deadline_days}" must be a whole number from 0 to 366`);
    const cutoff = r.cutoff_day ? Number(r.cutoff_day) : null;
    if (cutoff !== null && !(Number.isInteger(cutoff) && cutoff >= 1 && cutoff <= 31)) at('cutoff_day', `ngày chốt số liệu "${r.cutoff_day}" phải từ 1 đến 31`, `cutoff_day "${r.cutoff_day}" must be from 1 to 31`);
    if (seen.has(frequency)) at('frequency', `tần suất ${frequency} có hai quy định`, `frequency ${frequency} has two rules`);
    seen.add(frequency);
    if (problems.count === before) rules.push({ kind: 'rule', frequency, deadlineDays: days, cutoffDay: cutoff });
  }
  return rules;
}

/** A period as the periods dimension lists it: its kind is its frequency. */
export interface CalendarPeriod { period: string; kind: Frequency; end_date: string }

/** Each period of a frequency with a rule (or with an exception): its data cut-off and its deadline. */
export function periodDeadlines(rules: readonly CalendarRule[], periods: readonly CalendarPeriod[]) {
  const byFrequency = new Map(rules.filter((r) => r.kind === 'rule').map((r) => [r.frequency, r]));
  const exceptions = new Map(rules.filter((r) => r.kind === 'exception').map((r) => [r.period, r.deadline]));
  return periods.flatMap(({ period, kind, end_date }) => {
    const rule = byFrequency.get(kind);
    const exception = exceptions.get(period);
    if (!rule && !exception) return [];
    const deadline = exception ?? addDays(end_date, rule!.deadlineDays);
    const cutoff = rule?.cutoffDay ? `${end_date.slice(0, 8)}${String(Math.min(rule.cutoffDay, Number(end_date.slice(8)))).padStart(2, '0')}` : null;
    return [{ period, frequency: kind, cutoff_date: cutoff, deadline, exception: exception ? 'yes' : 'no' }];
  });
}

/**
 * The reporting_calendar table: each period's cut-off and deadline, and the instant the deadline
 * day ends where the units are (UTC+offset), as a report's arrival is judged.
 */
export function calendarRows(rules: readonly CalendarRule[], periods: readonly CalendarPeriod[], utcOffsetHours: number) {
  return periodDeadlines(rules, periods).map((row) => ({
    ...row,
    deadline_end_utc: new Date(Date.parse(`${addDays(row.deadline, 1)}T00:00:00Z`) - utcOffsetHours * 3_600_000),
  }));
}
