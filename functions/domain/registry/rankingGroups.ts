import type { RankingGroup, Unit, UnitType } from '../types.ts';

export type { RankingGroup };
import { csvRows, list, type Problems } from './problems.ts';

/** Where a unit stands in the ranking: its group, and whether it is ranked (and why not). */
export interface UnitRanking {
  ranking_group: string;
  ranking_group_name_vi: string;
  ranking_group_name_en: string;
  ranking_group_order: number;
  ranked: 'yes' | 'no';
  not_ranked_reason: string | null;
}

const GROUP_CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const YES = ['yes', 'có', 'co', 'x', '1', 'true'];
const NO = ['no', 'không', 'khong', '0', 'false'];

/** "yes"/"no" (or "có"/"không") of an optional column: blank is the default; anything else is null (a problem). */
export function yesNoCell(cell: string | undefined, fallback: boolean): boolean | null {
  const text = (cell ?? '').trim().toLowerCase();
  if (text === '') return fallback;
  if (YES.includes(text)) return true;
  if (NO.includes(text)) return false;
  return null;
}

/** The one ranking of a registry without ranking-groups.csv: every unit together, as before groups existed. */
export const ALL_UNITS_GROUP: RankingGroup = {
  code: 'tat-ca', nameVi: 'Tất cả đơn vị', nameEn: 'All units', unitTypes: [], ranked: true, notRankedReason: null,
};

/**
 * Reads ranking-groups.csv: group, name_vi, name_en, unit_types (";"-separated), ranked
 * (yes/no, default yes), not_ranked_reason (required when ranked is no). A unit type belongs to
 * one group at most; a reporting type in no group is listed as not ranked.
 */
export function parseRankingGroups(text: string, unitTypes: readonly UnitType[], problems: Problems, file = 'ranking-groups.csv'): RankingGroup[] {
  const groups: RankingGroup[] = [];
  const codes = new Set<string>();
  const typeGroup = new Map<string, string>();
  for (const r of csvRows(text, file, ['group', 'name_vi', 'unit_types'], problems)) {
    const at = (column: string, vi: string, en: string) => problems.add(file, r.__line, column, vi, en);
    const before = problems.count;
    const code = r.group ?? '';
    if (!GROUP_CODE.test(code)) at('group', `mã nhóm "${code}" phải là chữ thường không dấu nối bằng "-"`, `group code "${code}" must be lower-case words joined by "-"`);
    else if (codes.has(code)) at('group', `mã nhóm "${code}" bị dùng hai lần`, `group code "${code}" is used twice`);
    codes.add(code);
    if (!r.name_vi) at('name_vi', 'tên nhóm tiếng Việt bị trống', 'name_vi is empty');
    const types = list(r.unit_types);
    if (types.length === 0) at('unit_types', 'nhóm phải có ít nhất một loại đơn vị', 'a group needs at least one unit type');
    for (const type of types) {
      if (!unitTypes.includes(type as UnitType)) at('unit_types', `loại "${type}" không thuộc ${unitTypes.join(', ')}`, `type "${type}" is not one of ${unitTypes.join(', ')}`);
      else if (typeGroup.has(type)) at('unit_types', `loại "${type}" đã thuộc nhóm ${typeGroup.get(type)}`, `type "${type}" already belongs to group ${typeGroup.get(type)}`);
      else typeGroup.set(type, code);
    }
    const ranked = yesNoCell(r.ranked, true);
    if (ranked === null) at('ranked', `"${r.ranked}" phải là yes hoặc no`, `ranked "${r.ranked}" must be yes or no`);
    const reason = (r.not_ranked_reason ?? '').trim() || null;
    if (ranked === false && !reason) at('not_ranked_reason', 'nhóm không xếp hạng phải ghi lý do', 'a group not ranked needs its reason');
    if (problems.count > before) continue;
    groups.push({ code, nameVi: r.name_vi!, nameEn: r.name_en || r.name_vi!, unitTypes: types as UnitType[], ranked: ranked!, notRankedReason: ranked ? null : reason });
  }
  return groups;
}

/**
 * A unit's place in the ranking: the group of its type (or the one group of a registry without
 * groups); not ranked when its group is not, when the registry says so of the unit itself, or
 * when its type is in no group. The unit's own reason comes first.
 */
export function unitRanking(unit: Unit, groups: readonly RankingGroup[]): UnitRanking {
  const index = groups.findIndex((g) => g.unitTypes.includes(unit.type));
  const group = groups.length === 0 ? ALL_UNITS_GROUP : groups[index] ?? null;
  const ownReason = unit.ranked === false ? unit.notRankedReason ?? null : null;
  if (!group) {
    return {
      ranking_group: 'khong-xep-hang', ranking_group_name_vi: 'Không xếp hạng', ranking_group_name_en: 'Not ranked', ranking_group_order: groups.length + 1,
      ranked: 'no', not_ranked_reason: ownReason ?? 'Loại đơn vị không thuộc nhóm xếp hạng nào',
    };
  }
  const ranked = group.ranked && unit.ranked !== false;
  return {
    ranking_group: group.code, ranking_group_name_vi: group.nameVi, ranking_group_name_en: group.nameEn, ranking_group_order: groups.length === 0 ? 1 : index + 1,
    ranked: ranked ? 'yes' : 'no', not_ranked_reason: ranked ? null : ownReason ?? group.notRankedReason,
  };
}
