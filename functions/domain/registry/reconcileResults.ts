import { unitOfPeriod, type CatalogIndex } from '../ingest/ingestContext.ts';
import { normalizeKey } from '../ingest/normalizeText.ts';
import { parseNumberText } from '../ingest/parseNumber.ts';
import type { CellValue, SheetRow } from '../types.ts';

/**
 * Reconciling an official results table (a decision's annex, or a CSV "rank, unit name, total,
 * criteria…") with the points the lake computes: a province moving to chiso checks its own past
 * decisions this way. Names are matched through the registry's names and aliases, exactly:
 * a name that does not match is reported, never guessed.
 */

/** A difference larger than this is one (the tables have two decimals). */
export const RECONCILE_TOLERANCE = 0.01;

export interface OfficialRow {
  sheet: string;
  row: number;
  rank: number | null;
  name: string;
  total: number | null;
  /** Criterion header as written → points. */
  criteria: { header: string; value: number | null }[];
}

export interface ComputedUnit {
  unit: string;
  unit_name: string;
  rank: number | null;
  total: number | null;
  /** Main criterion name → points on the 1,000 scale. */
  criteria: Map<string, number | null>;
}

export interface ReconciledCriterion { header: string; published: number | null; computed: number | null; difference: number | null; differs: boolean }

export interface ReconciledUnit {
  sheet: string;
  row: number;
  name: string;
  unit: string;
  unit_name: string;
  published_rank: number | null;
  computed_rank: number | null;
  published_total: number | null;
  computed_total: number | null;
  difference: number | null;
  /** The total or a criterion differs by more than 0.01. */
  differs: boolean;
  criteria: ReconciledCriterion[];
}

export interface Unmatched { sheet: string; row: number; name: string; vi: string; en: string }

export interface Reconciliation {
  units: ReconciledUnit[];
  unmatched: Unmatched[];
  /** Units the lake scores for the period that the table does not list. */
  notInTable: { unit: string; unit_name: string }[];
  /** Criterion columns of the table that name no main criterion of the framework. */
  unknownCriteria: string[];
  differences: number;
}

const text = (v: CellValue | undefined) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).trim());

function numberOf(v: CellValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const parsed = parseNumberText(text(v));
  return parsed.kind === 'number' ? parsed.value : null;
}

const RANK = /^(thu tu( xep hang)?|xep hang|hang|stt|tt|rank)$/;
const NAME = /^(ten don vi|don vi|ten co quan don vi|unit( name)?|name)$/;
const TOTAL = /^(tong diem|tong|diem|total( points)?)$/;

interface Columns { rank: number | null; name: number; total: number; criteria: { index: number; header: string }[] }

/** A header row: a column for the unit's name and one for the total (the rank and criteria are optional). */
function headerOf(cells: readonly CellValue[]): Columns | null {
  const keys = cells.map((c) => normalizeKey(text(c)).replace(/\s*\(.*\)$/, ''));
  const name = keys.findIndex((k) => NAME.test(k));
  const total = keys.findIndex((k) => TOTAL.test(k));
  if (name < 0 || total < 0) return null;
  const rank = keys.findIndex((k) => RANK.test(k));
  const criteria = cells.map((c, index) => ({ index, header: text(c) }))
    .filter(({ index, header }) => index > total && header !== '');
  return { rank: rank < 0 ? null : rank, name, total, criteria };
}

/**
 * The rows of an official table, from any sheet: each table under its header row (the annex has
 * one per ranking group), or, in a CSV without a header, "rank, unit name, total, criteria…" by
 * position. Group headings, the units not ranked (no total) and blank rows are passed over.
 */
export function readOfficialTable(sheets: readonly { name: string; rows: readonly SheetRow[] }[], criteriaNames: readonly string[]): OfficialRow[] {
  const out: OfficialRow[] = [];
  for (const sheet of sheets) {
    let columns: Columns | null = null;
    const positional = !sheet.rows.some((r) => headerOf(r.cells));
    for (const r of sheet.rows) {
      const header = headerOf(r.cells);
      if (header) { columns = header; continue; }
      // A table without a total (the units not ranked: STT | Tên đơn vị | Lý do) ends the one before.
      if (r.cells.some((c) => /^ly do$|^reason$/.test(normalizeKey(text(c))))) { columns = null; continue; }
      const use: Columns | null = columns ?? (positional && r.cells.length >= 3
        ? { rank: 0, name: 1, total: 2, criteria: r.cells.slice(3).map((_, i) => ({ index: i + 3, header: criteriaNames[i] ?? `#${i + 1}` })) }
        : null);
      if (!use) continue;
      const name = text(r.cells[use.name]);
      const total = numberOf(r.cells[use.total]);
      if (!name || total === null) continue;
      out.push({
        sheet: sheet.name, row: r.number, rank: use.rank === null ? null : numberOf(r.cells[use.rank]), name, total,
        criteria: use.criteria.map((c) => ({ header: c.header, value: numberOf(r.cells[c.index]) })),
      });
    }
  }
  return out;
}

/** A name as an annex writes it, without the national code beside it: "Xã Yên Lạc (mã 09025)" → "Xã Yên Lạc". */
const bareName = (name: string) => name.replace(/\s*\((?:mã|ma|code)\s*[^)]*\)\s*$/iu, '').trim();
const round2 = (n: number) => Math.round(n * 100) / 100;
const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : round2(a - b));
const differs = (a: number | null, b: number | null) => (a === null) !== (b === null) || (a !== null && b !== null && Math.abs(a - b) > RECONCILE_TOLERANCE + 1e-9);

/** Each row of the official table beside the lake's figures for the same unit. */
export function reconcile(official: readonly OfficialRow[], computed: readonly ComputedUnit[], index: CatalogIndex, period: string): Reconciliation {
  const byUnit = new Map(computed.map((u) => [u.unit, u]));
  const criterionKeys = new Map<string, string>();
  for (const u of computed) for (const name of u.criteria.keys()) criterionKeys.set(normalizeKey(name), name);
  const unknownCriteria = new Set<string>();
  const units: ReconciledUnit[] = [];
  const unmatched: Unmatched[] = [];
  const seen = new Set<string>();
  for (const row of official) {
    const match = unitOfPeriod(index.units.match(bareName(row.name)), period);
    const where = { sheet: row.sheet, row: row.row, name: row.name };
    if (match.kind === 'ambiguous') {
      const names = match.candidates.map((u) => u.code).join(', ');
      unmatched.push({ ...where, vi: `tên khớp nhiều đơn vị (${names}): hãy ghi rõ tên trong danh mục`, en: `the name matches several units (${names}): write it as the registry does` });
      continue;
    }
    if (match.kind === 'unknown' || match.fuzzy) {
      // A near spelling is said, not taken: a province's decision is checked, never guessed at.
      const near = match.kind === 'match' ? match.entry.nameVi : match.suggestions[0]?.nameVi;
      unmatched.push({ ...where, vi: `không có đơn vị tên "${row.name}" trong danh mục${near ? ` (gần giống: ${near}; thêm tên này vào aliases nếu đúng)` : ''}`, en: `no unit named "${row.name}" in the registry${near ? ` (close to: ${near}; add the name to its aliases if it is that unit)` : ''}` });
      continue;
    }
    const unit = match.entry;
    const mine = byUnit.get(unit.code);
    seen.add(unit.code);
    const criteria = row.criteria.map((c): ReconciledCriterion => {
      const name = criterionKeys.get(normalizeKey(c.header));
      if (!name) unknownCriteria.add(c.header);
      const computedValue = name ? mine?.criteria.get(name) ?? null : null;
      return { header: c.header, published: c.value, computed: computedValue, difference: diff(c.value, computedValue), differs: name ? differs(c.value, computedValue) : false };
    });
    const computedTotal = mine?.total ?? null;
    units.push({
      ...where, unit: unit.code, unit_name: unit.nameVi, published_rank: row.rank, computed_rank: mine?.rank ?? null,
      published_total: row.total, computed_total: computedTotal, difference: diff(row.total, computedTotal),
      differs: differs(row.total, computedTotal) || criteria.some((c) => c.differs), criteria,
    });
  }
  return {
    units, unmatched,
    notInTable: computed.filter((u) => !seen.has(u.unit)).map((u) => ({ unit: u.unit, unit_name: u.unit_name })),
    unknownCriteria: [...unknownCriteria],
    differences: units.filter((u) => u.differs).length,
  };
}
