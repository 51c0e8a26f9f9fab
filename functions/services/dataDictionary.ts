import { Type, type Schema } from 'apache-arrow';
import type { ColumnMeta } from '../domain/queries/savedQueries.ts';

/**
 * The data dictionary a data-sharing platform reads beside the rows: for each dataset's column,
 * its name, type (from the engine's result schema), unit of measure where known, and meaning in
 * Vietnamese and English (the saved query's column labels).
 */
export interface DictionaryEntry {
  dataset: string;
  column: string;
  /** string | integer | number | boolean | date | timestamp. */
  type: string;
  /** percent | count | points | days | rank | indicator, or '' where a column has none. */
  unit: string;
  unit_vi: string;
  unit_en: string;
  meaning_vi: string;
  meaning_en: string;
}

export const DICTIONARY_COLUMNS: (keyof DictionaryEntry)[] = ['dataset', 'column', 'type', 'unit', 'unit_vi', 'unit_en', 'meaning_vi', 'meaning_en'];

/** A result column's type as JSON and CSV carry it. */
export function columnType(typeId: Type | undefined): string {
  switch (typeId) {
    case Type.Int: return 'integer';
    case Type.Float: case Type.Decimal: return 'number';
    case Type.Bool: return 'boolean';
    case Type.Date: return 'date';
    case Type.Timestamp: return 'timestamp';
    default: return 'string';
  }
}

type UnitOf = [unit: string, vi: string, en: string];
const POINTS: UnitOf = ['points', 'điểm', 'points'];
const COUNT: UnitOf = ['count', 'số lượng', 'count'];
const PERCENT: UnitOf = ['percent', '% (0–100)', '% (0–100)'];
const DAYS: UnitOf = ['days', 'ngày', 'days'];
const RANK: UnitOf = ['rank', 'thứ hạng (1 là cao nhất)', 'rank (1 is the highest)'];
/** A value's unit is its indicator's measure: a share, yes/no, or a count. */
const BY_INDICATOR: UnitOf = ['indicator', 'theo chỉ số: % (0–100), 1/0 (có/không) hoặc số lượng', "the indicator's: % (0–100), 1/0 (yes/no) or a count"];

/** The unit of a column where its name or label says it; null where none applies (names, codes, text). */
export function columnUnit(name: string, labelEn: string): UnitOf | null {
  if (/(^|_)points(_|$)|^gap$/.test(name)) return POINTS;
  if (name === 'value' || name === 'target' || name === 'previous_value' || name === 'reference') return BY_INDICATOR;
  if (/^rank(_change)?$/.test(name)) return RANK;
  if (/^days_/.test(name)) return DAYS;
  if (/share|score/.test(name) || /\(%\)/.test(labelEn)) return PERCENT;
  if (/^(numerator|denominator|row_count|error_count|units_[a-z_]+|indicators_[a-z]+|components(_[a-z]+)?|[a-z]+_components|on_time|late|missing)$/.test(name)) return COUNT;
  return null;
}

/** Each column of a dataset, in the order given, typed from the result's schema where it has one. */
export function dictionaryOf(dataset: string, columns: readonly ColumnMeta[], schema: Schema | null): DictionaryEntry[] {
  const types = new Map(schema?.fields.map((f) => [f.name, f.type.typeId]) ?? []);
  return columns.map((c) => {
    const unit = columnUnit(c.name, c.en);
    return {
      dataset, column: c.name, type: columnType(types.get(c.name)),
      unit: unit?.[0] ?? '', unit_vi: unit?.[1] ?? '', unit_en: unit?.[2] ?? '',
      meaning_vi: c.vi, meaning_en: c.en,
    };
  });
}
