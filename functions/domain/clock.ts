/** The one clock of a deployment: the instant, and today's date where its units are. */
export interface Clock {
  now(): Date;
  /** YYYY-MM-DD in the deployment's time zone (Vietnam keeps UTC+7 all year). */
  today(): string;
  /** An instant as people there read it, YYYY-MM-DD HH:mm in the same zone ('' for no instant). */
  localTime(at: Date | string | number | null | undefined): string;
}

const shifted = (at: Date, utcOffsetHours: number) => new Date(at.getTime() + utcOffsetHours * 3_600_000).toISOString();

export function localDate(at: Date, utcOffsetHours: number): string {
  return shifted(at, utcOffsetHours).slice(0, 10);
}

/** Stored instants are UTC (ISO text with Z, or milliseconds); a page shows them in local time. */
export function localDateTime(at: Date | string | number | null | undefined, utcOffsetHours: number): string {
  if (at === null || at === undefined || at === '') return '';
  const instant = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(instant.getTime())) return String(at);
  return shifted(instant, utcOffsetHours).slice(0, 16).replace('T', ' ');
}

export function createClock(utcOffsetHours: number, now: () => Date = () => new Date()): Clock {
  return { now, today: () => localDate(now(), utcOffsetHours), localTime: (at) => localDateTime(at, utcOffsetHours) };
}
