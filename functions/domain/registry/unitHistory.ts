import { parse } from 'csv-parse/sync';
import type { Unit, UnitEvent } from '../types.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const KINDS: UnitEvent['kind'][] = ['rename', 'merge', 'split', 'reparent'];

const dayBefore = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
};

/** Reads unit_events.csv: date, kind, from, to, share. A bad line names itself. */
export function parseUnitEvents(text: string, source = 'unit_events.csv'): UnitEvent[] {
  const rows = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  return rows.map((r, i) => {
    const where = `${source} line ${i + 2}`;
    if (!DATE.test(r.date ?? '')) throw new Error(`${where}: date "${r.date}" must be YYYY-MM-DD`);
    if (!KINDS.includes(r.kind as UnitEvent['kind'])) throw new Error(`${where}: kind "${r.kind}" must be one of ${KINDS.join(', ')}`);
    if (!r.from || !r.to) throw new Error(`${where}: from and to are required`);
    const share = r.share ? Number(r.share) : null;
    if (share !== null && !(share > 0 && share <= 1)) throw new Error(`${where}: share "${r.share}" must be in (0, 1]`);
    return { date: r.date!, kind: r.kind as UnitEvent['kind'], from: r.from, to: r.to, share };
  });
}

/**
 * Checks a registry with history as a whole: every unit and successor known, validity that
 * meets at each event (the predecessor ends the day before its successors begin: no gap, no
 * overlap), split shares that add up to 1, and no cycle among parents or successions.
 * Returns the problems, each naming the line to fix; empty when the registry is sound.
 */
export function validateRegistry(units: readonly Unit[], events: readonly UnitEvent[], sources = { units: 'units.csv', events: 'unit_events.csv' }): string[] {
  const problems: string[] = [];
  const byCode = new Map(units.map((u, i) => [u.code, { unit: u, line: i + 2 }]));
  const unitLine = (code: string) => `${sources.units} line ${byCode.get(code)!.line}`;
  for (const { unit, line } of byCode.values()) {
    const where = `${sources.units} line ${line}`;
    for (const [name, value] of [['valid_from', unit.validFrom], ['valid_to', unit.validTo]] as const) {
      if (value && !DATE.test(value)) problems.push(`${where}: ${name} "${value}" must be YYYY-MM-DD`);
    }
    if (unit.validFrom && unit.validTo && unit.validTo < unit.validFrom) problems.push(`${where}: ${unit.code} ends (${unit.validTo}) before it begins (${unit.validFrom})`);
    if (unit.parent && !byCode.has(unit.parent)) problems.push(`${where}: parent "${unit.parent}" of ${unit.code} is not in the registry`);
  }
  // Parents must not loop.
  for (const { unit } of byCode.values()) {
    const seen = new Set<string>([unit.code]);
    for (let p = unit.parent; p; p = byCode.get(p)?.unit.parent) {
      if (seen.has(p)) { problems.push(`${unitLine(unit.code)}: parents of ${unit.code} form a cycle through ${p}`); break; }
      seen.add(p);
    }
  }
  const successors = new Map<string, string[]>();
  events.forEach((e, i) => {
    const where = `${sources.events} line ${i + 2}`;
    for (const code of [e.from, e.to]) if (!byCode.has(code)) problems.push(`${where}: unit "${code}" is not in the registry`);
    if (!byCode.has(e.from) || !byCode.has(e.to)) return;
    if (e.kind === 'reparent') return;
    (successors.get(e.from) ?? successors.set(e.from, []).get(e.from)!).push(e.to);
    const from = byCode.get(e.from)!.unit;
    const to = byCode.get(e.to)!.unit;
    const end = dayBefore(e.date);
    if (from.validTo !== end) problems.push(`${where}: ${e.from} must end ${end}, the day before ${e.kind} on ${e.date} (its valid_to is ${from.validTo ?? 'empty'}) — a gap or an overlap`);
    // A renamed or split unit's successors begin on the event's day; a merge may also flow into
    // a unit that existed before (it absorbs the others), but not into one that begins later.
    const begins = to.validFrom ?? null;
    const fits = e.kind === 'merge' ? begins === null || begins <= e.date : begins === e.date;
    if (!fits) problems.push(`${where}: ${e.to} must begin ${e.date} (its valid_from is ${begins ?? 'empty'}) — a gap or an overlap`);
  });
  // Split shares of one unit on one day add up to 1.
  const splits = new Map<string, number>();
  for (const e of events) if (e.kind === 'split') splits.set(`${e.from}|${e.date}`, (splits.get(`${e.from}|${e.date}`) ?? 0) + (e.share ?? Number.NaN));
  for (const [key, total] of splits) {
    if (!(Math.abs(total - 1) < 1e-9)) problems.push(`${sources.events}: the shares of split ${key.replace('|', ' on ')} must add up to 1 (they add up to ${Number.isNaN(total) ? 'nothing: a share is missing' : total})`);
  }
  // Successions must not loop.
  for (const start of successors.keys()) {
    const stack = [[start]];
    while (stack.length) {
      const path = stack.pop()!;
      for (const next of successors.get(path.at(-1)!) ?? []) {
        if (next === start) { problems.push(`${sources.events}: successions form a cycle: ${[...path, next].join(' → ')}`); stack.length = 0; break; }
        if (!path.includes(next)) stack.push([...path, next]);
      }
    }
  }
  return [...new Set(problems)];
}
