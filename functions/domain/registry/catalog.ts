import { parseCalendar } from './calendar.ts';
import { parseHolidays } from './holidays.ts';
import { parseFramework } from './framework.ts';
import { csvRows, describeProblem, list, Problems, type RegistryProblem } from './problems.ts';
import { parseRankingGroups, yesNoCell } from './rankingGroups.ts';
import { applyUnitEvents, parseUnitEvents } from './unitHistory.ts';
import type { Catalog, Indicator, Measure, Unit, UnitType } from '../types.ts';

export const UNIT_TYPES: readonly UnitType[] = ['department', 'police', 'commune', 'district', 'province'];
/** Types that submit reports; the others are parents only. */
export const REPORTING_TYPES: readonly UnitType[] = ['department', 'police', 'commune'];
const MEASURES: readonly Measure[] = ['percent', 'boolean', 'count'];
const UNIT_CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The files of a registry, as text: what a province puts in its folder. */
export interface RegistryFiles {
  'units.csv': string;
  'indicators.csv': string;
  'registry-events.csv'?: string;
  'framework.csv'?: string;
  'calendar.csv'?: string;
  /** Optional: how unit types are grouped for ranking; without it every unit is ranked together. */
  'ranking-groups.csv'?: string;
  /** Optional: days off (Tết, public holidays), for deadlines in working days. */
  'holidays.csv'?: string;
}
export const REGISTRY_FILE_NAMES = ['units.csv', 'indicators.csv', 'registry-events.csv', 'framework.csv', 'calendar.csv', 'ranking-groups.csv', 'holidays.csv'] as const;

/** Reads the unit registry; every bad line is a problem naming the line and column to fix. */
export function parseUnits(text: string, problems: Problems, file = 'units.csv'): Unit[] {
  const seen = new Set<string>();
  const units: Unit[] = [];
  for (const row of csvRows(text, file, ['code', 'name_vi', 'type'], problems)) {
    const at = (column: string, vi: string, en: string) => problems.add(file, row.__line, column, vi, en);
    const code = row.code ?? '';
    const before = problems.count;
    if (!UNIT_CODE.test(code)) at('code', `mã đơn vị "${code}" phải là chữ thường không dấu nối bằng "-"`, `unit code "${code}" must be lower-case words joined by "-"`);
    else if (seen.has(code)) at('code', `mã đơn vị "${code}" bị dùng hai lần`, `unit code "${code}" is used twice`);
    if (!UNIT_TYPES.includes(row.type as UnitType)) at('type', `loại "${row.type}" không thuộc ${UNIT_TYPES.join(', ')}`, `type "${row.type}" is not one of ${UNIT_TYPES.join(', ')}`);
    if (!row.name_vi) at('name_vi', 'tên tiếng Việt bị trống', 'name_vi is empty');
    const emails = list(row.email);
    const badEmail = emails.find((e) => !/^[^\s@;,]+@[^\s@;,]+\.[^\s@;,]+$/.test(e));
    if (badEmail) at('email', `địa chỉ thư "${badEmail}" không hợp lệ`, `e-mail address "${badEmail}" is not valid`);
    // Optional columns (older registry folders lack them): ranked (default yes), its reason, the national code.
    const ranked = yesNoCell(row.ranked, true);
    if (ranked === null) at('ranked', `"${row.ranked}" phải là yes hoặc no`, `ranked "${row.ranked}" must be yes or no`);
    const notRankedReason = (row.not_ranked_reason ?? '').trim() || null;
    if (ranked === false && !notRankedReason) at('not_ranked_reason', `đơn vị ${code} không xếp hạng phải ghi lý do`, `unit ${code} is not ranked: give the reason`);
    const nationalCode = (row.national_code ?? '').trim() || null;
    if (nationalCode && !/^[\p{L}\p{N}.\-_]{1,40}$/u.test(nationalCode)) at('national_code', `mã "${nationalCode}" chỉ gồm chữ, số, ".", "-" (tối đa 40 ký tự)`, `national_code "${nationalCode}" must be letters, digits, ".", "-" (40 at most)`);
    seen.add(code);
    if (problems.count > before) continue;
    units.push({
      code, nameVi: row.name_vi!, nameEn: row.name_en || row.name_vi!, type: row.type as UnitType, aliases: list(row.aliases),
      validFrom: row.valid_from || null, validTo: row.valid_to || null, parent: row.parent || null, emails,
      ranked: ranked !== false, notRankedReason: ranked === false ? notRankedReason : null, nationalCode,
    });
  }
  return units;
}

/** Reads the indicator catalog; every bad line is a problem naming the line and column to fix. */
export function parseIndicators(text: string, problems: Problems, file = 'indicators.csv'): Indicator[] {
  const seen = new Set<string>();
  const indicators: Indicator[] = [];
  for (const row of csvRows(text, file, ['code', 'name_vi', 'measure', 'direction', 'reported_by'], problems)) {
    const at = (column: string, vi: string, en: string) => problems.add(file, row.__line, column, vi, en);
    const before = problems.count;
    const code = row.code ?? '';
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) at('code', `mã chỉ số "${code}" phải viết HOA_NỐI_GẠCH_DƯỚI`, `indicator code "${code}" must be UPPER_SNAKE_CASE`);
    else if (seen.has(code)) at('code', `mã chỉ số "${code}" bị dùng hai lần`, `indicator code "${code}" is used twice`);
    seen.add(code);
    if (!MEASURES.includes(row.measure as Measure)) at('measure', `loại đo "${row.measure}" không thuộc ${MEASURES.join(', ')}`, `measure "${row.measure}" is not one of ${MEASURES.join(', ')}`);
    const reportedBy = list(row.reported_by);
    if (reportedBy.length === 0 || reportedBy.some((t) => !REPORTING_TYPES.includes(t as UnitType))) {
      at('reported_by', `"${row.reported_by}" phải liệt kê trong số ${REPORTING_TYPES.join(', ')}`, `reported_by "${row.reported_by}" must list ${REPORTING_TYPES.join(', ')}`);
    }
    // The demo's files call it default_target, the example files example_target.
    const targetText = row.default_target ?? row.example_target ?? '';
    const target = Number(targetText);
    if (targetText === '' || !Number.isFinite(target)) at('default_target', `chỉ tiêu "${targetText}" không phải là số`, `default_target "${targetText}" is not a number`);
    if (row.direction !== 'higher' && row.direction !== 'lower') at('direction', 'hướng phải là higher hoặc lower', 'direction must be higher or lower');
    if (!row.name_vi) at('name_vi', 'tên tiếng Việt bị trống', 'name_vi is empty');
    if (problems.count > before) continue;
    indicators.push({
      code,
      nameVi: row.name_vi!,
      nameEn: row.name_en ?? '',
      // Short names are optional in a province's file: the full name stands in.
      shortNameVi: row.short_name_vi || row.name_vi || code,
      shortNameEn: row.short_name_en || row.name_en || row.short_name_vi || code,
      measure: row.measure as Measure,
      numeratorVi: row.numerator_vi ?? '',
      denominatorVi: row.denominator_vi ?? '',
      direction: row.direction as 'higher' | 'lower',
      defaultTarget: target,
      reportedBy: reportedBy as UnitType[],
      aliases: list(row.aliases),
    });
  }
  return indicators;
}

/**
 * A registry checked as a whole: units, their history, indicators and scoring frameworks. Either
 * the catalog, or every problem found (by file, line and column, in both languages), never a
 * catalog with problems.
 */
export function checkRegistry(files: RegistryFiles): { catalog: Catalog; problems: [] } | { catalog: null; problems: RegistryProblem[] } {
  const problems = new Problems();
  const listed = parseUnits(files['units.csv'], problems);
  const indicators = parseIndicators(files['indicators.csv'], problems);
  const events = files['registry-events.csv'] ? parseUnitEvents(files['registry-events.csv'], problems) : [];
  const units = applyUnitEvents(listed, events, problems);
  const frameworks = files['framework.csv'] ? parseFramework(files['framework.csv'], indicators, problems) : [];
  const calendar = files['calendar.csv'] ? parseCalendar(files['calendar.csv'], problems) : [];
  const rankingGroups = files['ranking-groups.csv'] ? parseRankingGroups(files['ranking-groups.csv'], UNIT_TYPES, problems) : [];
  const holidays = files['holidays.csv'] ? parseHolidays(files['holidays.csv'], problems) : [];
  if (problems.count) return { catalog: null, problems: problems.list };
  return { catalog: { units, indicators, events, frameworks, calendar, rankingGroups, holidays }, problems: [] };
}

/** A registry that must hold together (the one shipped as the demo): its problems as one error. */
export function parseCatalog(files: RegistryFiles): Catalog {
  const checked = checkRegistry(files);
  if (!checked.catalog) throw new Error(`the registry does not hold together:\n  ${checked.problems.map(describeProblem).join('\n  ')}`);
  return checked.catalog;
}
