import { dayBefore } from '../dates.ts';
import type { Unit, UnitEvent } from '../types.ts';

/** For as-of dates in [from_date, to_date], `unit`'s values count toward `as_of_unit`, times `share`. */
export interface LineageRow {
  unit: string;
  as_of_unit: string;
  share: number;
  from_date: string;
  to_date: string;
}

const FIRST = '0001-01-01';
const LAST = '9999-12-31';

/** Where a unit's values belong in the registry of date `asOf`: its successors, with split shares multiplied. */
function successorsAt(unit: string, asOf: string, events: readonly UnitEvent[], share = 1, seen = new Set<string>()): [string, number][] {
  if (seen.has(unit)) return [];
  // A unit retired without a successor keeps its values under its own code: never guessed onward.
  const next = events.filter((e) => e.from === unit && e.to && e.to !== unit && e.kind !== 'reparent' && e.date <= asOf);
  if (next.length === 0) return [[unit, share]];
  seen.add(unit);
  return next.flatMap((e) => successorsAt(e.to!, asOf, events, share * (e.kind === 'split' ? e.share ?? 0 : 1), seen));
}

/**
 * The lineage table both engines join to present history in the units of any registry date:
 * one row per unit, as-of unit and interval between registry events.
 */
export function unitLineage(units: readonly Unit[], events: readonly UnitEvent[]): LineageRow[] {
  const dates = [...new Set(events.map((e) => e.date))].sort();
  const starts = [FIRST, ...dates];
  const rows: LineageRow[] = [];
  starts.forEach((from, i) => {
    const to = i + 1 < starts.length ? dayBefore(starts[i + 1]!) : LAST;
    for (const u of units) {
      const merged = new Map<string, number>();
      for (const [target, share] of successorsAt(u.code, from, events)) merged.set(target, (merged.get(target) ?? 0) + share);
      for (const [target, share] of merged) rows.push({ unit: u.code, as_of_unit: target, share, from_date: from, to_date: to });
    }
  });
  return rows;
}
