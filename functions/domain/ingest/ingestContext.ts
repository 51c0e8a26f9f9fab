import { NameMatcher } from './matchName.ts';
import type { Catalog, Indicator, Unit } from '../types.ts';

/** Words before a unit's name that do not change which unit it is. */
const UNIT_PREFIXES = ['ubnd', 'uy ban nhan dan', 'xa', 'thi tran', 'tt', 'phuong', 'dang uy', 'hdnd'];

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
      keysOf: (i) => [i.code, i.nameVi, i.nameEn, ...i.aliases],
    }),
    units: new NameMatcher(catalog.units, {
      keysOf: (u) => [u.code, u.nameVi, u.nameEn, ...u.aliases],
      prefixes: UNIT_PREFIXES,
      fuzzyThreshold: 0.88,
    }),
  };
}

/** Names an entry for a suggestion: "Xã Liên Châu (xa-lien-chau)". */
export function describeEntry(entry: Unit | Indicator): string {
  return `${entry.nameVi} (${entry.code})`;
}
