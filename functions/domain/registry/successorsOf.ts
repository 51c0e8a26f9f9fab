import type { UnitEvent } from '../types.ts';

/** Units that took over from a unit, following renames, merges and splits to the latest ones (as of a day, if given). */
export function successorsOf(code: string, events: readonly UnitEvent[], seen = new Set<string>(), onOrBefore = '9999-12-31'): string[] {
  if (seen.has(code)) return [];
  seen.add(code);
  const direct = events.filter((e) => e.from === code && e.to && e.to !== code && e.kind !== 'reparent' && e.date <= onOrBefore).map((e) => e.to!);
  if (direct.length === 0) return [code];
  return [...new Set(direct.flatMap((c) => successorsOf(c, events, seen, onOrBefore)))];
}
