import { isDate } from '../dates.ts';
import { csvRows, list, type Problems } from './problems.ts';
import type { FrameworkComponent, Indicator, ScoringRule, UnitType } from '../types.ts';

const RULES: readonly ScoringRule[] = ['ratio', 'boolean', 'steps'];
/** Which measures each rule can score: a ratio needs a share, yes/no a boolean, steps any number. */
const RULE_MEASURES: Record<ScoringRule, readonly string[]> = { ratio: ['percent'], boolean: ['boolean'], steps: ['count', 'percent'] };
const FRAMEWORK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** "4:40;3:30;2:20" → [{4, 40}, {3, 30}, {2, 20}], highest threshold first; null when malformed. */
export function parseSteps(text: string): { atLeast: number; points: number }[] | null {
  const steps = list(text).map((part) => {
    const m = /^(-?\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)$/.exec(part);
    return m ? { atLeast: Number(m[1]), points: Number(m[2]) } : null;
  });
  if (steps.length === 0 || steps.some((s) => s === null)) return null;
  return (steps as { atLeast: number; points: number }[]).sort((a, b) => b.atLeast - a.atLeast);
}

/**
 * Reads framework.csv: framework, valid_from, valid_to, pillar, pillar_name_vi, code, max_points,
 * rule, steps, applies_to (unit types), and optionally target and pillar_name_en (English pages'
 * pillar names; older registry folders have none). Checks each line and the whole:
 * one validity per version, versions that never overlap (one is in force for any day), each
 * indicator once per version, rules that fit the indicator's measure, steps within the maximum,
 * and unit types that report the indicator.
 */
export function parseFramework(text: string, indicators: readonly Indicator[], problems: Problems, file = 'framework.csv'): FrameworkComponent[] {
  const byCode = new Map(indicators.map((i) => [i.code, i]));
  const components: FrameworkComponent[] = [];
  const versions = new Map<string, { validFrom: string; validTo: string | null; line: number }>();
  const seen = new Set<string>();
  for (const r of csvRows(text, file, ['framework', 'valid_from', 'valid_to', 'pillar', 'code', 'max_points', 'rule', 'steps', 'applies_to'], problems)) {
    const at = (column: string, vi: string, en: string) => problems.add(file, r.__line, column, vi, en);
    const before = problems.count;
    const framework = r.framework ?? '';
    if (!FRAMEWORK_ID.test(framework)) at('framework', `tên phiên bản "${framework}" phải là chữ thường không dấu nối bằng "-"`, `framework "${framework}" must be lower-case words joined by "-"`);
    if (!isDate(r.valid_from ?? '')) at('valid_from', `ngày "${r.valid_from}" phải có dạng YYYY-MM-DD`, `valid_from "${r.valid_from}" must be YYYY-MM-DD`);
    if (r.valid_to && !isDate(r.valid_to)) at('valid_to', `ngày "${r.valid_to}" phải có dạng YYYY-MM-DD hoặc để trống`, `valid_to "${r.valid_to}" must be YYYY-MM-DD or empty`);
    if (r.valid_to && r.valid_from && r.valid_to < r.valid_from) at('valid_to', 'ngày hết hiệu lực trước ngày có hiệu lực', 'valid_to is before valid_from');
    if (!r.pillar) at('pillar', 'thiếu trụ cột', 'pillar is empty');
    const indicator = byCode.get(r.code ?? '');
    if (!indicator) at('code', `chỉ số "${r.code}" không có trong indicators.csv`, `indicator "${r.code}" is not in indicators.csv`);
    const key = `${framework}|${r.code}`;
    if (seen.has(key)) at('code', `chỉ số ${r.code} xuất hiện hai lần trong ${framework}`, `${r.code} appears twice in ${framework}`);
    seen.add(key);
    const maxPoints = Number(r.max_points);
    if (!(r.max_points && Number.isFinite(maxPoints) && maxPoints > 0)) at('max_points', `điểm tối đa "${r.max_points}" phải là số dương`, `max_points "${r.max_points}" must be a positive number`);
    const rule = r.rule as ScoringRule;
    if (!RULES.includes(rule)) at('rule', `cách tính "${r.rule}" không thuộc ${RULES.join(', ')}`, `rule "${r.rule}" is not one of ${RULES.join(', ')}`);
    else if (indicator && !RULE_MEASURES[rule].includes(indicator.measure)) {
      at('rule', `cách tính ${rule} không dùng được cho chỉ số loại ${indicator.measure} (${indicator.code})`, `rule ${rule} cannot score a ${indicator.measure} indicator (${indicator.code})`);
    }
    let steps: { atLeast: number; points: number }[] = [];
    if (rule === 'steps') {
      const parsed = parseSteps(r.steps ?? '');
      if (!parsed) at('steps', `bậc "${r.steps}" phải có dạng "4:40;3:30" (từ giá trị này trở lên : số điểm)`, `steps "${r.steps}" must read like "4:40;3:30" (at least : points)`);
      else if (parsed.some((s) => s.points > maxPoints)) at('steps', `một bậc cho nhiều hơn điểm tối đa ${r.max_points}`, `a step gives more than max_points ${r.max_points}`);
      else if (new Set(parsed.map((s) => s.atLeast)).size !== parsed.length) at('steps', 'hai bậc có cùng ngưỡng', 'two steps have the same threshold');
      else steps = parsed;
    } else if (r.steps) at('steps', `chỉ cách tính steps mới có bậc (dòng này là ${r.rule})`, `only a steps rule has steps (this one is ${r.rule})`);
    const appliesTo = list(r.applies_to) as UnitType[];
    if (appliesTo.length === 0) at('applies_to', 'thiếu loại đơn vị áp dụng', 'applies_to is empty');
    else if (indicator) {
      const notReporting = appliesTo.filter((t) => !indicator.reportedBy.includes(t));
      if (notReporting.length) at('applies_to', `${notReporting.join(', ')} không báo cáo ${indicator.code} (indicators.csv, reported_by)`, `${notReporting.join(', ')} do not report ${indicator.code} (indicators.csv, reported_by)`);
    }
    const target = r.target ? Number(r.target) : null;
    if (target !== null && !Number.isFinite(target)) at('target', `chỉ tiêu "${r.target}" không phải là số`, `target "${r.target}" is not a number`);
    // A version's validity is the one its first line gives; every other line must repeat it.
    const version = versions.get(framework);
    const validTo = r.valid_to || null;
    if (!version && isDate(r.valid_from ?? '')) versions.set(framework, { validFrom: r.valid_from!, validTo, line: r.__line });
    else if (version && (version.validFrom !== r.valid_from || version.validTo !== validTo)) {
      at('valid_from', `mọi dòng của ${framework} phải có cùng thời gian hiệu lực (dòng ${version.line}: ${version.validFrom} – ${version.validTo ?? '…'})`, `every line of ${framework} must have the same validity (line ${version.line}: ${version.validFrom} – ${version.validTo ?? '…'})`);
    }
    if (problems.count > before) continue;
    components.push({
      framework, validFrom: r.valid_from!, validTo, pillar: r.pillar!, pillarNameVi: r.pillar_name_vi || r.pillar!,
      ...(r.pillar_name_en ? { pillarNameEn: r.pillar_name_en } : {}),
      indicatorCode: r.code!, maxPoints, rule, steps, appliesTo, target,
    });
  }
  // One version in force on any day.
  const spans = [...versions.entries()].sort((a, b) => a[1].validFrom.localeCompare(b[1].validFrom));
  for (let i = 1; i < spans.length; i++) {
    const [prevName, prev] = spans[i - 1]!;
    const [name, span] = spans[i]!;
    if (prev.validTo === null || prev.validTo >= span.validFrom) {
      problems.add(file, span.line, 'valid_from', `${name} bắt đầu ${span.validFrom} khi ${prevName} còn hiệu lực (đến ${prev.validTo ?? 'không thời hạn'}): mỗi ngày chỉ một phiên bản`, `${name} begins ${span.validFrom} while ${prevName} is in force (until ${prev.validTo ?? 'open-ended'}): one version a day`);
    }
  }
  return components;
}
