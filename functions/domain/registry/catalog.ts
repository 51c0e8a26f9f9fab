import { parse } from 'csv-parse/sync';
import { parseUnitEvents, validateRegistry } from './unitHistory.ts';
import type { Catalog, Indicator, Measure, Unit, UnitType } from '../types.ts';

const UNIT_TYPES: readonly UnitType[] = ['department', 'police', 'commune'];
const MEASURES: readonly Measure[] = ['percent', 'boolean'];

type Row = Record<string, string>;

function rows(text: string): Row[] {
  return parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Row[];
}

const list = (cell: string | undefined) => (cell ?? '').split(';').map((s) => s.trim()).filter(Boolean);

/** Reads the unit registry; a bad line is an error that names the file and line to fix. */
export function parseUnits(text: string, source = 'units.csv'): Unit[] {
  const seen = new Set<string>();
  return rows(text).map((row, i) => {
    const where = `${source} line ${i + 2}`;
    const code = row.code ?? '';
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(code)) throw new Error(`${where}: unit code "${code}" must be lower-case words joined by "-"`);
    if (seen.has(code)) throw new Error(`${where}: unit code "${code}" is used twice`);
    seen.add(code);
    if (!UNIT_TYPES.includes(row.type as UnitType)) throw new Error(`${where}: type "${row.type}" is not one of ${UNIT_TYPES.join(', ')}`);
    if (!row.name_vi) throw new Error(`${where}: name_vi is empty`);
    return {
      code, nameVi: row.name_vi, nameEn: row.name_en ?? '', type: row.type as UnitType, aliases: list(row.aliases),
      validFrom: row.valid_from || null, validTo: row.valid_to || null, parent: row.parent || null,
    };
  });
}

/** Reads the indicator catalog; a bad line is an error that names the file and line to fix. */
export function parseIndicators(text: string, source = 'indicators.csv'): Indicator[] {
  const seen = new Set<string>();
  return rows(text).map((row, i) => {
    const where = `${source} line ${i + 2}`;
    const code = row.code ?? '';
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`${where}: indicator code "${code}" must be UPPER_SNAKE_CASE`);
    if (seen.has(code)) throw new Error(`${where}: indicator code "${code}" is used twice`);
    seen.add(code);
    if (!MEASURES.includes(row.measure as Measure)) throw new Error(`${where}: measure "${row.measure}" is not one of ${MEASURES.join(', ')}`);
    const reportedBy = list(row.reported_by);
    const badType = reportedBy.find((t) => !UNIT_TYPES.includes(t as UnitType));
    if (badType || reportedBy.length === 0) throw new Error(`${where}: reported_by "${row.reported_by}" must list ${UNIT_TYPES.join(', ')}`);
    const target = Number(row.default_target);
    if (row.default_target === '' || !Number.isFinite(target)) throw new Error(`${where}: default_target "${row.default_target}" is not a number`);
    if (row.direction !== 'higher' && row.direction !== 'lower') throw new Error(`${where}: direction must be higher or lower`);
    return {
      code,
      nameVi: row.name_vi ?? '',
      nameEn: row.name_en ?? '',
      // Short names are optional in a province's file: the full name stands in.
      shortNameVi: row.short_name_vi || row.name_vi || code,
      shortNameEn: row.short_name_en || row.name_en || row.short_name_vi || code,
      measure: row.measure as Measure,
      numeratorVi: row.numerator_vi ?? '',
      denominatorVi: row.denominator_vi ?? '',
      direction: row.direction,
      defaultTarget: target,
      reportedBy: reportedBy as UnitType[],
      aliases: list(row.aliases),
    };
  });
}

/** A registry with its history, refused whole (every problem listed) when it does not hold together. */
export function parseCatalog(files: { units: string; indicators: string; events?: string }): Catalog {
  const units = parseUnits(files.units);
  const events = files.events ? parseUnitEvents(files.events) : [];
  const problems = validateRegistry(units, events);
  if (problems.length) throw new Error(`the unit registry does not hold together:\n  ${problems.join('\n  ')}`);
  return { units, indicators: parseIndicators(files.indicators), events };
}
