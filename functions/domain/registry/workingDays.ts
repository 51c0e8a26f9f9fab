import { addDays } from '../dates.ts';

/** Saturday or Sunday (a calendar day, no time zone). */
export const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

/**
 * The n-th working day after `date` (n ≥ 1): weekends and the listed holidays do not count.
 * n = 0 is the day itself if it is a working day, else the next one.
 */
export function addWorkingDays(date: string, n: number, holidays: ReadonlySet<string>): string {
  const working = (d: string) => !isWeekend(d) && !holidays.has(d);
  let day = date;
  if (n === 0) {
    while (!working(day)) day = addDays(day, 1);
    return day;
  }
  for (let counted = 0; counted < n;) {
    day = addDays(day, 1);
    if (working(day)) counted++;
  }
  return day;
}
