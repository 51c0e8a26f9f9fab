import type { UnitEvent } from '../types.ts';

/** Units that took over from a unit, following renames, merges and splits to the latest ones. */
export function successorsOf(code: string, events: readonly UnitEvent[], seen = new Set<string>()): string[] {
  if (seen.has(code)) return [];
  seen.add(code);
  const direct = events.filter((e) => e.from === code && e.to && e.to !== code && e.kind !== 'reparent').map((e) => e.to!);
  if (direct.length === 0) return [code];
  return [...new Set(direct.flatMap((c) => successorsOf(c, events, seen)))];
}
