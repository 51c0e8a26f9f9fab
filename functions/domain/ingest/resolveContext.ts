import { columnLetter } from './columnLetter.ts';
import { ingestError } from './errors.ts';
import type { CatalogIndex } from './ingestContext.ts';
import { describeEntry, unitOfPeriod } from './ingestContext.ts';
import { normalizeKey } from './normalizeText.ts';
import { findPeriods, parsePeriod } from './parsePeriod.ts';
import { cellText } from './readCell.ts';
import type { IngestError, SheetRow, Unit } from '../types.ts';

const UNIT_LABELS = new Set(['don vi', 'don vi bao cao', 'ten don vi', 'co quan bao cao', 'co quan', 'unit']);
const PERIOD_LABELS = new Set(['ky bao cao', 'ky', 'thoi gian bao cao', 'thoi ky bao cao', 'bao cao ky', 'period']);

/** What the file's name says: "Bao cao Q3-2024 - Xa Lien Chau.xlsx". */
export interface FileHints {
  fileName: string;
  unit: Unit | null;
  periods: string[];
}

export function readFileHints(fileName: string, index: CatalogIndex): FileHints {
  const stem = fileName.replace(/\.[^.]+$/, '');
  const { periods } = findPeriods(stem.replace(/[_]+/g, ' '));
  return { fileName, unit: findUnitInText(stem, index), periods };
}

/** A unit named inside a longer text, by its full name, bare name or code: only when one fits. */
function findUnitInText(text: string, index: CatalogIndex): Unit | null {
  const key = ` ${normalizeKey(text)} `;
  let best: { unit: Unit; length: number } | null = null;
  let tie = false;
  for (const unit of index.catalog.units) {
    for (const name of [unit.code, unit.nameVi, ...unit.aliases]) {
      const candidate = normalizeKey(name);
      if (candidate.length < 5 || !key.includes(` ${candidate} `)) continue;
      if (!best || candidate.length > best.length) { best = { unit, length: candidate.length }; tie = false; }
      else if (candidate.length === best.length && best.unit !== unit) tie = true;
    }
  }
  return best && !tie ? best.unit : null;
}

interface Labelled { text: string; row: number; column: number }

/** "Đơn vị: Xã Liên Châu" in one cell, or "Đơn vị:" and the name in the next one. */
function findLabel(rows: SheetRow[], labels: Set<string>): Labelled | null {
  for (const row of rows) {
    for (let c = 0; c < row.cells.length; c++) {
      const text = cellText(row.cells[c]);
      const colon = text.search(/[:：]/);
      if (colon < 0 || !labels.has(normalizeKey(text.slice(0, colon)))) continue;
      const rest = text.slice(colon + 1).trim();
      if (rest) return { text: rest, row: row.number, column: c };
      for (let n = c + 1; n < row.cells.length; n++) {
        const next = cellText(row.cells[n]);
        if (next) return { text: next, row: row.number, column: n };
      }
    }
  }
  return null;
}

const CONTAINS = (outer: string, inner: string): boolean => {
  if (outer === inner) return true;
  const [oy, op] = outer.split('-');
  const [iy, ip] = inner.split('-');
  if (oy !== iy || !ip) return false;
  if (!op) return true;
  const months = (p: string): number[] => {
    if (p === 'H1') return [1, 2, 3, 4, 5, 6];
    if (p === 'H2') return [7, 8, 9, 10, 11, 12];
    if (p.startsWith('Q')) { const q = Number(p[1]); return [q * 3 - 2, q * 3 - 1, q * 3]; }
    return [Number(p)];
  };
  const o = months(op);
  return months(ip).every((m) => o.includes(m));
};

export interface SheetContext {
  unit: Unit | null;
  period: string | null;
  errors: IngestError[];
}

/**
 * The unit and period a sheet reports, from the lines above its table and the file name.
 * A "Kỳ báo cáo" line wins; a title or file name that names another period is a conflict,
 * unless it only names a wider one (a title "năm 2024" over "Kỳ báo cáo: Quý III/2024").
 */
export function resolveSheetContext(
  preamble: SheetRow[],
  sheet: string,
  hints: FileHints,
  index: CatalogIndex,
  needs: { unit: boolean },
): SheetContext {
  const errors: IngestError[] = [];
  const where = (l: Labelled) => ({ sheet, row: l.row, column: columnLetter(l.column) });

  // Period.
  const label = findLabel(preamble, PERIOD_LABELS);
  const stated: { period: string; source: string; fromLabel: boolean }[] = [];
  if (label) {
    const period = parsePeriod(label.text);
    if (period) stated.push({ period, source: `"${label.text}" (${sheet}!${columnLetter(label.column)}${label.row})`, fromLabel: true });
    else errors.push(ingestError('PERIOD_INVALID', where(label), { value: label.text }));
  }
  for (const row of preamble) {
    if (label && row.number === label.row) continue;
    for (const cell of row.cells) {
      const text = cellText(cell);
      if (!text || text.length > 300) continue;
      for (const period of findPeriods(text).periods) stated.push({ period, source: `"${text}"`, fromLabel: false });
    }
  }
  for (const period of hints.periods) stated.push({ period, source: `tên tệp / file name "${hints.fileName}"`, fromLabel: false });
  let period: string | null = null;
  if (stated.length) {
    const fromLabel = stated.filter((s) => s.fromLabel);
    const candidates = fromLabel.length ? fromLabel : stated;
    const finest = candidates.find((c) => candidates.every((o) => CONTAINS(o.period, c.period))) ?? null;
    const conflict = !finest || stated.some((s) => !CONTAINS(s.period, finest.period) && !CONTAINS(finest.period, s.period));
    if (conflict) {
      const distinct = [...new Map(stated.map((s) => [s.period, s])).values()];
      errors.push(ingestError('PERIOD_CONFLICT', label ? where(label) : { sheet }, {
        detail: distinct.map((s) => `${s.period} ← ${s.source}`).join('; '),
      }));
    } else {
      period = finest.period;
    }
  }

  // Unit: stated only by a form, whose rows do not name one.
  let unit: Unit | null = null;
  if (needs.unit) {
    const unitLabel = findLabel(preamble, UNIT_LABELS);
    let stated: Unit | null = null;
    if (unitLabel) {
      const match = unitOfPeriod(index.units.match(unitLabel.text), period);
      if (match.kind === 'match') stated = match.entry;
      else if (match.kind === 'ambiguous') {
        errors.push(ingestError('UNIT_AMBIGUOUS', where(unitLabel), { value: unitLabel.text, suggest: match.candidates.map(describeEntry).join(', ') }));
      } else {
        errors.push(ingestError('UNIT_UNKNOWN', where(unitLabel), { value: unitLabel.text, suggest: match.suggestions.map(describeEntry).join(', ') }));
      }
    } else {
      // The issuing body, top left in an official report: "UBND XÃ LIÊN CHÂU".
      const named = new Set<Unit>();
      for (const row of preamble) for (const cell of row.cells) {
        const text = cellText(cell);
        const found = text && text.length <= 80 ? index.units.matchExactly(text) : null;
        if (found) named.add(found);
      }
      if (named.size === 1) stated = [...named][0]!;
    }
    if (stated && hints.unit && stated !== hints.unit) {
      errors.push(ingestError('UNIT_CONFLICT', unitLabel ? where(unitLabel) : { sheet }, {
        detail: `${describeEntry(stated)} ← ${unitLabel ? `"${unitLabel.text}"` : 'sheet'}; ${describeEntry(hints.unit)} ← tên tệp / file name "${hints.fileName}"`,
      }));
    }
    unit = stated ?? hints.unit;
    if (!unit && !unitLabel) errors.push(ingestError('UNIT_MISSING', { sheet }));
  }
  return { unit, period, errors };
}
