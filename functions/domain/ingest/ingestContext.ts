import type { MatchResult } from './matchName.ts';
import { periodEnd, periodStart } from './parsePeriod.ts';
import { NameMatcher } from './matchName.ts';
import type { Catalog, Indicator, Unit } from '../types.ts';

/** Words before a unit's name that do not change which unit it is. */
const UNIT_PREFIXES = ['ubnd', 'uy ban nhan dan', 'don vi', 'co quan', 'dang uy', 'hdnd', 'hoi dong nhan dan'];
/**
 * The kind of commune-level unit: part of its name, never stripped to match another kind. A town
 * (Thị trấn Yên Lạc) and the commune that absorbed it (Xã Yên Lạc) are different territories.
 */
const UNIT_KINDS = [['xa'], ['thi tran', 'tt'], ['phuong']];

/** What every file of one catalog is checked against; built once, shared by all files. */
export interface CatalogIndex {
  catalog: Catalog;
  indicators: NameMatcher<Indicator>;
  units: NameMatcher<Unit>;
}

export function indexCatalog(catalog: Catalog): CatalogIndex {
  return {
    catalog,
    indicators: new NameMatcher(catalog.indicators, {
      // Short names too: a clerk writes what the app's own pages show ("Thư công vụ").
      keysOf: (i) => [i.code, i.nameVi, i.nameEn, i.shortNameVi, i.shortNameEn, ...i.aliases].filter(Boolean),
    }),
    units: new NameMatcher(catalog.units, {
      keysOf: (u) => [u.code, u.nameVi, u.nameEn, ...u.aliases],
      prefixes: UNIT_PREFIXES,
      kinds: UNIT_KINDS,
      fuzzyThreshold: 0.88,
    }),
  };
}

/** Names an entry for a suggestion: "Xã Liên Châu (xa-lien-chau)". */
export function describeEntry(entry: Unit | Indicator): string {
  return `${entry.nameVi} (${entry.code})`;
}

/**
 * Two units may share a name across a reform (the old Xã Liên Châu and the new one): the registry
 * of the report's period tells them apart. An ambiguous match keeps only the units that exist in
 * the period; if one is left, it is the unit (a fact of the registry, not a guess).
 */
export function unitOfPeriod(match: MatchResult<Unit>, period: string | null): MatchResult<Unit> {
  if (match.kind !== 'ambiguous' || !period) return match;
  const start = periodStart(period);
  const end = periodEnd(period);
  const living = match.candidates.filter((u) => (!u.validFrom || u.validFrom <= end) && (!u.validTo || u.validTo >= start));
  if (living.length === 1) return { kind: 'match', entry: living[0]!, fuzzy: false };
  if (living.length > 1) return { kind: 'ambiguous', candidates: living };
  // None existed then: the one that had just ceased (refused later naming its successor), or
  // the one not yet begun (refused as too early), when that is a single unit.
  const ceased = match.candidates.filter((u) => u.validTo && u.validTo < start).sort((a, b) => b.validTo!.localeCompare(a.validTo!));
  if (ceased.length === 1 || (ceased.length > 1 && ceased[0]!.validTo !== ceased[1]!.validTo)) return { kind: 'match', entry: ceased[0]!, fuzzy: false };
  const early = match.candidates.filter((u) => u.validFrom && u.validFrom > end);
  if (ceased.length === 0 && early.length === 1) return { kind: 'match', entry: early[0]!, fuzzy: false };
  return match;
}
