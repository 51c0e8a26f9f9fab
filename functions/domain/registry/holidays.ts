import { isDate } from '../dates.ts';
import type { Holiday } from '../types.ts';
import { csvRows, type Problems } from './problems.ts';
import { yesNoCell } from './rankingGroups.ts';

/**
 * Reads holidays.csv: date, name_vi, verified (optional, default yes). Tết moves with the lunar
 * calendar and its days off are announced each year, so they are data, not code; a schedule not
 * yet confirmed is entered with verified=no and kept, flagged.
 */
export function parseHolidays(text: string, problems: Problems, file = 'holidays.csv'): Holiday[] {
  const holidays: Holiday[] = [];
  const seen = new Set<string>();
  for (const r of csvRows(text, file, ['date', 'name_vi'], problems)) {
    const at = (column: string, vi: string, en: string) => problems.add(file, r.__line, column, vi, en);
    const before = problems.count;
    const date = r.date ?? '';
    if (!isDate(date)) at('date', `ngày "${date}" phải là ngày có thật dạng YYYY-MM-DD`, `date "${date}" must be a real date YYYY-MM-DD`);
    else if (seen.has(date)) at('date', `ngày ${date} được ghi hai lần`, `${date} is listed twice`);
    seen.add(date);
    if (!r.name_vi) at('name_vi', 'tên ngày nghỉ bị trống', 'name_vi is empty');
    const verified = yesNoCell(r.verified, true);
    if (verified === null) at('verified', `"${r.verified}" phải là yes hoặc no`, `verified "${r.verified}" must be yes or no`);
    if (problems.count === before) holidays.push({ date, nameVi: r.name_vi!, verified: verified! });
  }
  return holidays;
}
