import type { UnitEvent } from '../types.ts';

/** Units that took over from a unit, following renames, merges and splits to the latest ones (as of a day, if given). */
export function successorsOf(code: string, events: readonly UnitEvent[], seen = new Set<string>(), onOrBefore = '9999-12-31'): string[] {
  if (seen.has(code)) return [];
  seen.add(code);
  const direct = events.filter((e) => e.from === code && e.to && e.to !== code && e.kind !== 'reparent' && e.date <= onOrBefore).map((e) => e.to!);
  if (direct.length === 0) return [code];
  return [...new Set(direct.flatMap((c) => successorsOf(c, events, seen, onOrBefore)))];
}

/** The units whose values count toward a unit (its predecessors, through every change), with the events that made it so. */
export function predecessorsOf(code: string, events: readonly UnitEvent[]): { units: string[]; events: UnitEvent[] } {
  const units: string[] = [];
  const used: UnitEvent[] = [];
  const stack = [code];
  const seen = new Set<string>([code]);
  while (stack.length) {
    const current = stack.pop()!;
    for (const e of events) {
      if (e.to !== current || e.from === current || e.kind === 'reparent' || seen.has(e.from)) continue;
      seen.add(e.from);
      units.push(e.from);
      used.push(e);
      stack.push(e.from);
    }
  }
  return { units, events: used };
}
