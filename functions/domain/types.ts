import type { CalendarRule } from './registry/calendar.ts';
/** Shared shapes of the pure core. Nothing here touches files, clocks or the environment. */

export type Measure = 'percent' | 'boolean' | 'count';
/** Reporting units are departments, police and communes; provinces and districts are parents only. */
export type UnitType = 'department' | 'police' | 'commune' | 'district' | 'province';

export interface Indicator {
  code: string;
  nameVi: string;
  nameEn: string;
  /** A few words for narrow screens and chart axes (leaders' pages never show codes). */
  shortNameVi: string;
  shortNameEn: string;
  measure: Measure;
  numeratorVi: string;
  denominatorVi: string;
  direction: 'higher' | 'lower';
  defaultTarget: number;
  reportedBy: UnitType[];
  aliases: string[];
}

export interface Unit {
  code: string;
  nameVi: string;
  nameEn: string;
  type: UnitType;
  aliases: string[];
  /** First and last day the unit exists (YYYY-MM-DD); null: since ever, still. */
  validFrom?: string | null;
  validTo?: string | null;
  /** The unit it belongs to (commune → district → province), where the registry says. */
  parent?: string | null;
  /** Where reminders go (units.csv `email`, several joined by ";"); never written into the lake. */
  emails?: string[];
  /** units.csv `ranked` (default yes): no for a unit scored but never ranked, with the reason why (vi). */
  ranked?: boolean;
  notRankedReason?: string | null;
  /** The national administrative code, where known: shown beside the name, never a key (codes are re-used). */
  nationalCode?: string | null;
}

export type UnitEventKind = 'rename' | 'merge' | 'split' | 'reparent' | 'retire' | 'reclassify';

/**
 * A change in the registry, one row per unit it starts from: renamed, merged (several into one),
 * split (one into several), reclassified (a commune becoming a town: a new code and type),
 * retired (ceased; `to` null when no successor is recorded) or moved under another parent.
 * Every event keeps the document it comes from and whether that was checked.
 */
export interface UnitEvent {
  date: string;
  kind: UnitEventKind;
  from: string;
  to: string | null;
  /** For a split: the share of `from` that went to `to`. */
  share: number | null;
  source?: string;
  verified?: boolean;
}

/** How a scoring framework turns a value into points. */
export type ScoringRule = 'ratio' | 'boolean' | 'steps';

/** One component of a scoring framework version (a DTI set): an indicator, its pillar and points. */
export interface FrameworkComponent {
  framework: string;
  validFrom: string;
  /** Null: still in force. */
  validTo: string | null;
  pillar: string;
  pillarNameVi: string;
  /** framework.csv's optional pillar_name_en: English pages' pillar name. */
  pillarNameEn?: string;
  indicatorCode: string;
  maxPoints: number;
  rule: ScoringRule;
  /** For `steps`: points for a value at or above each threshold, highest threshold first. */
  steps: { atLeast: number; points: number }[];
  appliesTo: UnitType[];
  /** The target of this indicator while the version is in force; null: the indicator's default. */
  target: number | null;
}

/**
 * A group of unit types ranked together, as a province publishes its results (ranking-groups.csv):
 * provincial departments in one table, communes and wards in another. A group not ranked (the
 * police, "do tính chất đặc thù") is scored and listed with its reason, never given a rank.
 */
export interface RankingGroup {
  code: string;
  nameVi: string;
  nameEn: string;
  unitTypes: UnitType[];
  ranked: boolean;
  notRankedReason: string | null;
}

/** A day off for the province's offices (holidays.csv): Tết and the other public holidays, as data. */
export interface Holiday {
  date: string;
  nameVi: string;
  /** no: entered from an announcement not yet confirmed (a future Tết schedule). */
  verified: boolean;
}

export interface Catalog {
  indicators: Indicator[];
  units: Unit[];
  /** Unit history; empty when the registry never changed. */
  events?: UnitEvent[];
  /** Scoring framework versions; empty when the deployment scores nothing. */
  frameworks?: FrameworkComponent[];
  /** When reports are due (calendar.csv); empty: no deadlines, no timeliness. */
  calendar?: CalendarRule[];
  /** How units are grouped for ranking (ranking-groups.csv); empty: every unit in one ranking. */
  rankingGroups?: RankingGroup[];
  /** Days off (holidays.csv): deadlines in working days skip them and weekends. */
  holidays?: Holiday[];
}

/** A cell as a reader hands it over: typed where the file kept a type. */
export type CellValue = string | number | boolean | Date | null;

export interface SheetRow {
  /** 1-based row number in the sheet (or line number in a CSV). */
  number: number;
  /** 0-based columns. */
  cells: CellValue[];
  /** Columns whose numeric cell carries a percent number format (0.955 shown as 95.5%). */
  percentColumns?: number[];
  /** Columns whose cell is a formula whose cached value is an error (#DIV/0!, #REF!). */
  errorColumns?: number[];
  /** Columns whose value comes from a cell merged down over this row (the reader fills them). */
  filled?: number[];
}

/** Where in the submitted file something is. */
export interface Location {
  sheet: string;
  row: number | null;
  column: string | null;
}

export interface IngestError extends Location {
  code: string;
  message: string;
  message_vi: string;
  message_en: string;
}

/** One validated value, ready to become a kpi_values row. */
export interface KpiRecord {
  unit: string;
  period: string;
  indicator_code: string;
  /** null: the report withdraws an earlier value (said explicitly: "rút" / "withdraw"). */
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
  source_sheet: string;
  source_row: number;
  /** Column letter of the cell the value was read from. */
  source_column?: string | null;
  /** Points rather than a value: a unit's self-assessment or the province's appraisal of it. */
  assessment?: 'self' | 'appraised' | null;
}

/** `assessment`: a self-assessment or appraisal of points (STT | Chỉ số | Điểm tối đa | … | Điểm tự chấm | Giải trình). */
export type Layout = 'form' | 'long' | 'wide' | 'assessment';
