import { dayBefore, isDate } from '../dates.ts';
import { csvRows, list, type Problems } from './problems.ts';
import type { Unit, UnitEvent, UnitEventKind, UnitType } from '../types.ts';

const KINDS: readonly UnitEventKind[] = ['rename', 'merge', 'split', 'reparent', 'retire', 'reclassify'];
const TYPES: readonly UnitType[] = ['department', 'police', 'commune', 'district', 'province'];
/** Kinds after which the units they start from no longer exist. */
const ENDS: readonly UnitEventKind[] = ['rename', 'merge', 'split', 'retire', 'reclassify'];
const YES = new Set(['yes', 'có', 'co', 'true', '1']);
const NO = new Set(['no', 'không', 'khong', 'false', '0']);

/** An event as read, with what a row may say about the unit it creates and where it was. */
export interface ParsedEvent extends UnitEvent {
  line: number;
  toNameVi: string | null;
  toNameEn: string | null;
  toType: UnitType | null;
}

/**
 * Reads registry-events.csv: date, kind, from (one code or several joined by ";"), to, share,
 * to_name_vi, to_type, source, verified. One event per unit it starts from.
 */
export function parseUnitEvents(text: string, problems: Problems, file = 'registry-events.csv'): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  for (const r of csvRows(text, file, ['date', 'kind', 'from', 'to', 'source', 'verified'], problems)) {
    const at = (column: string, vi: string, en: string) => problems.add(file, r.__line, column, vi, en);
    const before = problems.count;
    if (!isDate(r.date ?? '')) at('date', `ngày "${r.date}" phải có dạng YYYY-MM-DD`, `date "${r.date}" must be YYYY-MM-DD`);
    const kind = r.kind as UnitEventKind;
    if (!KINDS.includes(kind)) at('kind', `loại sự kiện "${r.kind}" không thuộc ${KINDS.join(', ')}`, `kind "${r.kind}" must be one of ${KINDS.join(', ')}`);
    const froms = list(r.from);
    if (froms.length === 0) at('from', 'thiếu đơn vị (from)', 'from is required');
    const to = r.to || null;
    if (kind === 'retire' && to) at('to', 'giải thể (retire) không có đơn vị kế thừa; dùng merge hoặc rename nếu có', 'a retire has no successor: use merge or rename when there is one');
    if (kind !== 'retire' && KINDS.includes(kind) && !to) at('to', `sự kiện ${kind} cần đơn vị đích (to)`, `a ${kind} needs a unit in to`);
    const share = r.share ? Number(r.share) : null;
    if (share !== null && !(share > 0 && share <= 1)) at('share', `tỷ lệ "${r.share}" phải trong khoảng (0, 1]`, `share "${r.share}" must be in (0, 1]`);
    if (share !== null && kind !== 'split') at('share', 'chỉ sự kiện chia tách (split) mới có tỷ lệ', 'only a split has a share');
    const toType = (r.to_type || null) as UnitType | null;
    if (toType && !TYPES.includes(toType)) at('to_type', `loại "${toType}" không thuộc ${TYPES.join(', ')}`, `to_type "${toType}" is not one of ${TYPES.join(', ')}`);
    if (!r.source) at('source', 'thiếu văn bản nguồn (source): ghi số hiệu văn bản hoặc nơi lấy thông tin', 'source is empty: name the document or where the fact comes from');
    const verified = (r.verified ?? '').toLowerCase();
    if (!YES.has(verified) && !NO.has(verified)) at('verified', `"${r.verified}" phải là yes hoặc no (đã xác minh văn bản hay chưa)`, `verified "${r.verified}" must be yes or no`);
    if (problems.count > before) continue;
    for (const from of froms) {
      events.push({
        date: r.date!, kind, from, to, share, source: r.source!, verified: YES.has(verified),
        line: r.__line, toNameVi: r.to_name_vi || null, toNameEn: r.to_name_en || null, toType,
      });
    }
  }
  return events;
}

/**
 * The units with their history applied: units an event creates (a new commune of a merger, the
 * new parent province) are added, each unit's first and last day follow from the events (a
 * predecessor ends the day before its successors begin: no gap, no overlap), parents from moves.
 * Checks the whole: every unit known, split shares that add up to 1, no event on a unit that had
 * already ended, no cycle among parents or successions. Problems name the line to fix.
 */
export function applyUnitEvents(listed: readonly Unit[], events: readonly ParsedEvent[], problems: Problems, files = { units: 'units.csv', events: 'registry-events.csv' }): Unit[] {
  const units = new Map(listed.map((u) => [u.code, { ...u }]));
  const stated = new Map(listed.map((u) => [u.code, { validFrom: u.validFrom ?? null, validTo: u.validTo ?? null }]));
  const ordered = [...events].sort((a, b) => a.date.localeCompare(b.date) || a.line - b.line);
  const at = (e: ParsedEvent, column: string, vi: string, en: string) => problems.add(files.events, e.line, column, vi, en);
  const successors = new Map<string, string[]>();
  /** The day each unit ended on, by an event (a unit ends once; several rows of one event may end it). */
  const ended = new Map<string, string>();

  for (const e of ordered) {
    const from = units.get(e.from);
    if (!from) { at(e, 'from', `đơn vị "${e.from}" không có trong danh mục`, `unit "${e.from}" is not in the registry`); continue; }
    const endedOn = ended.get(e.from);
    if (endedOn && endedOn !== e.date && e.kind !== 'reparent') {
      at(e, 'from', `${e.from} đã thôi tồn tại từ ${endedOn}, không thể ${e.kind} ngày ${e.date}`, `${e.from} ended on ${endedOn}; it cannot ${e.kind} on ${e.date}`);
      continue;
    }
    if (e.to && !units.has(e.to)) {
      if (!e.toNameVi || !e.toType) {
        at(e, 'to', `đơn vị "${e.to}" không có trong danh mục: thêm vào units.csv hoặc ghi to_name_vi và to_type`, `unit "${e.to}" is not in the registry: add it to units.csv or give to_name_vi and to_type`);
        continue;
      }
      // A parent named by a move existed before it; a unit made by a change begins on its day.
      units.set(e.to, {
        code: e.to, nameVi: e.toNameVi, nameEn: e.toNameEn ?? e.toNameVi, type: e.toType, aliases: [],
        validFrom: e.kind === 'reparent' ? null : e.date, validTo: null, parent: null,
      });
    }
    if (e.kind === 'reparent') {
      from.parent = e.to;
      continue;
    }
    const absorbs = e.kind === 'merge' && e.to === e.from;
    if (!absorbs && ENDS.includes(e.kind)) {
      const end = dayBefore(e.date);
      const said = stated.get(e.from)?.validTo;
      if (said && said !== end) at(e, 'date', `${e.from} phải kết thúc ngày ${end}, trước ngày ${e.date} (units.csv ghi valid_to ${said}): hở hoặc chồng thời gian`, `${e.from} must end ${end}, the day before ${e.kind} on ${e.date} (its valid_to is ${said}) — a gap or an overlap`);
      from.validTo = end;
      ended.set(e.from, e.date);
    }
    if (!e.to || absorbs) continue;
    (successors.get(e.from) ?? successors.set(e.from, []).get(e.from)!).push(e.to);
    const to = units.get(e.to)!;
    const begins = stated.get(e.to)?.validFrom ?? to.validFrom ?? null;
    // A merge may flow into a unit that existed before (it absorbs the others), not into one that begins later.
    const fits = e.kind === 'merge' ? begins === null || begins <= e.date : begins === e.date || (begins === null && !stated.has(e.to));
    if (!fits) at(e, 'to', `${e.to} phải bắt đầu ngày ${e.date} (valid_from là ${begins ?? 'trống'}): hở hoặc chồng thời gian`, `${e.to} must begin ${e.date} (its valid_from is ${begins ?? 'empty'}) — a gap or an overlap`);
    if (begins === null && e.kind !== 'merge') to.validFrom = e.date;
    if (e.kind === 'reclassify' && e.toType && to.type !== e.toType) {
      at(e, 'to_type', `${e.to} có loại ${to.type} trong danh mục, sự kiện ghi ${e.toType}`, `${e.to} is a ${to.type} in the registry, the event says ${e.toType}`);
    }
  }

  // Split shares of one unit on one day add up to 1.
  const splits = new Map<string, { total: number; event: ParsedEvent }>();
  for (const e of ordered) {
    if (e.kind !== 'split') continue;
    const key = `${e.from}|${e.date}`;
    const entry = splits.get(key) ?? { total: 0, event: e };
    entry.total += e.share ?? Number.NaN;
    splits.set(key, entry);
  }
  for (const [key, { total, event }] of splits) {
    if (!(Math.abs(total - 1) < 1e-9)) {
      const [unit, day] = key.split('|');
      at(event, 'share', `tỷ lệ chia tách ${unit} ngày ${day} phải cộng lại bằng 1 (đang là ${Number.isNaN(total) ? 'thiếu một tỷ lệ' : total})`,
        `the shares of split ${unit} on ${day} must add up to 1 (they add up to ${Number.isNaN(total) ? 'nothing: a share is missing' : total})`);
    }
  }
  for (const u of units.values()) {
    for (const [name, value] of [['valid_from', u.validFrom], ['valid_to', u.validTo]] as const) {
      if (value && !isDate(value)) problems.add(files.units, lineOf(listed, u.code), name, `"${value}" phải có dạng YYYY-MM-DD`, `${name} "${value}" must be YYYY-MM-DD`);
    }
    if (u.validFrom && u.validTo && u.validTo < u.validFrom) problems.add(files.units, lineOf(listed, u.code), 'valid_to', `${u.code} kết thúc (${u.validTo}) trước khi bắt đầu (${u.validFrom})`, `${u.code} ends (${u.validTo}) before it begins (${u.validFrom})`);
    if (u.parent && !units.has(u.parent)) problems.add(files.units, lineOf(listed, u.code), 'parent', `đơn vị cấp trên "${u.parent}" của ${u.code} không có trong danh mục`, `parent "${u.parent}" of ${u.code} is not in the registry`);
  }
  // Parents must not loop, nor successions.
  for (const u of units.values()) {
    const seen = new Set<string>([u.code]);
    for (let p = u.parent; p; p = units.get(p)?.parent) {
      if (seen.has(p)) { problems.add(files.units, lineOf(listed, u.code), 'parent', `các đơn vị cấp trên của ${u.code} tạo vòng lặp qua ${p}`, `parents of ${u.code} form a cycle through ${p}`); break; }
      seen.add(p);
    }
  }
  for (const start of successors.keys()) {
    const stack = [[start]];
    while (stack.length) {
      const path = stack.pop()!;
      for (const next of successors.get(path.at(-1)!) ?? []) {
        if (next === start) {
          const cycle = [...path, next].join(' → ');
          problems.add(files.events, null, null, `các sự kiện kế thừa tạo vòng lặp: ${cycle}`, `successions form a cycle: ${cycle}`);
          stack.length = 0;
          break;
        }
        if (!path.includes(next)) stack.push([...path, next]);
      }
    }
  }
  return [...units.values()];
}

function lineOf(listed: readonly Unit[], code: string): number | null {
  const i = listed.findIndex((u) => u.code === code);
  return i < 0 ? null : i + 2;
}

/** The event that ended a unit, if any (the newest): what today's lists say instead of hiding it. */
export function endingEvent(code: string, events: readonly UnitEvent[]): UnitEvent | null {
  return [...events].reverse().find((e) => e.from === code && ENDS.includes(e.kind) && e.to !== code) ?? null;
}
