/** Calendar days written YYYY-MM-DD, as reports, registries and parameters give them (UTC arithmetic, no time zone). */
export const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const MS_PER_DAY = 86_400_000;

/** A real day of the calendar: 2024-02-30 matches the pattern, and Date rolls it over. */
export function isDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** Days since 1970-01-01: two of them subtract to a number of days. */
export const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY;

export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);

export const dayBefore = (date: string) => addDays(date, -1);
