import { isDate } from './dates.ts';

/**
 * A day as Vietnamese staff type it, dd/mm/yyyy (04/12/2026, 4/12/2026, 4-12-2026, 4.12.2026),
 * or as ISO (2026-12-04): the ISO day, or why not in both languages. A day that does not exist
 * (31/02/2026) is refused, never rolled over to another.
 */
export function parseDayMonthYear(text: string): { date: string } | { vi: string; en: string } {
  const typed = text.trim();
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(typed);
  const iso = dmy ? `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}` : typed;
  if (isDate(iso)) return { date: iso };
  if (!typed) return { vi: 'chưa nhập ngày (ngày/tháng/năm, ví dụ 04/12/2026)', en: 'no date given (day/month/year, e.g. 04/12/2026)' };
  if (dmy || /^\d{4}-\d{2}-\d{2}$/.test(typed)) return { vi: `ngày "${typed}" không có thật`, en: `"${typed}" is not a real day` };
  return { vi: `"${typed}" không phải là ngày dạng ngày/tháng/năm (ví dụ 04/12/2026)`, en: `"${typed}" is not a day/month/year date (e.g. 04/12/2026)` };
}
