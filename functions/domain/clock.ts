/** The one clock of a deployment: the instant, and today's date where its units are. */
export interface Clock {
  now(): Date;
  /** YYYY-MM-DD in the deployment's time zone (Vietnam keeps UTC+7 all year). */
  today(): string;
}

export function localDate(at: Date, utcOffsetHours: number): string {
  return new Date(at.getTime() + utcOffsetHours * 3_600_000).toISOString().slice(0, 10);
}

export function createClock(utcOffsetHours: number, now: () => Date = () => new Date()): Clock {
  return { now, today: () => localDate(now(), utcOffsetHours) };
}
