import { periodLabelVi } from '../../domain/registry/periods.ts';
import type { Publication, SnapshotRow } from '../../services/publications.ts';

/** What an annex is drawn from: a publication (or a draft of today's figures, version 0). */
export interface AnnexInput extends Pick<Publication, 'period' | 'version' | 'decision_number' | 'decision_date' | 'issuing_body' | 'ranking' | 'scorecards'> {
  draft: boolean;
  /** "Phú Thọ": before the date under the motto; empty: the date alone. */
  place: string;
}

export interface AnnexGroup {
  code: string;
  title: string;
  /** The main criteria of the group's framework, in its order. */
  criteria: { code: string; name: string }[];
  rows: { rank: number; name: string; total: number; criteria: (number | null)[] }[];
}

export interface AnnexModel {
  issuer: string;
  placeAndDate: string;
  title: string;
  subtitle: string;
  /** "Phụ lục kèm theo Quyết định số 469/QĐ-UBND ngày 12/02/2026". */
  caption: string;
  draft: boolean;
  groups: AnnexGroup[];
  notRanked: { name: string; group: string; reason: string }[];
}

const num = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));
const ddmmyyyy = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

/** Two decimals, a decimal comma and grouped thousands, as a Vietnamese decision writes points: 1.000,00 · 825,61. */
export function pointsVi(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '';
  const [whole, fraction] = Math.abs(n).toFixed(2).split('.') as [string, string];
  return `${n < 0 ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${fraction}`;
}

/** A unit's name as the annex writes it: with its national code where the registry knows it. */
const nameOf = (r: SnapshotRow) => (r.national_code ? `${r.unit_name} (mã ${r.national_code})` : String(r.unit_name));

/** The dd/mm/yyyy date, the place, the caption: the words of the decision's annex. */
export function annexModel(input: AnnexInput): AnnexModel {
  const number = input.decision_number || '…';
  const date = input.decision_date ? ddmmyyyy(input.decision_date) : '…';
  const [y, m, d] = (input.decision_date || '').split('-').map(Number);
  const dateWords = input.decision_date ? `ngày ${d} tháng ${m} năm ${y}` : 'ngày … tháng … năm …';
  const placeAndDate = input.place ? `${input.place}, ${dateWords}` : dateWords.charAt(0).toUpperCase() + dateWords.slice(1);

  // Points per main criterion, by unit: from the frozen score cards (one value per unit and criterion).
  const criteriaOf = new Map<string, { code: string; name: string }[]>();
  const byUnit = new Map<string, Map<string, number | null>>();
  for (const c of input.scorecards) {
    const group = String(c.ranking_group ?? '');
    const list = criteriaOf.get(group) ?? criteriaOf.set(group, []).get(group)!;
    if (!list.some((p) => p.code === c.pillar)) list.push({ code: String(c.pillar), name: String(c.pillar_name) });
    const unit = byUnit.get(String(c.unit)) ?? byUnit.set(String(c.unit), new Map()).get(String(c.unit))!;
    unit.set(String(c.pillar), num(c.pillar_points_1000));
  }

  const groups: AnnexGroup[] = [];
  const notRanked: AnnexModel['notRanked'] = [];
  for (const r of input.ranking) {
    if (r.rank === null || r.rank === undefined) {
      notRanked.push({ name: nameOf(r), group: String(r.ranking_group_name ?? ''), reason: String(r.not_ranked_reason ?? '') });
      continue;
    }
    const code = String(r.ranking_group ?? '');
    let group = groups.find((g) => g.code === code);
    if (!group) groups.push(group = { code, title: String(r.ranking_group_name ?? ''), criteria: criteriaOf.get(code) ?? [], rows: [] });
    const points = byUnit.get(String(r.unit));
    group.rows.push({
      rank: Number(r.rank), name: nameOf(r), total: num(r.total_points_2dp ?? r.total_points) ?? 0,
      criteria: group.criteria.map((p) => points?.get(p.code) ?? null),
    });
  }
  return {
    issuer: input.issuing_body || '…',
    placeAndDate,
    title: 'PHỤ LỤC',
    subtitle: `Kết quả đánh giá, xếp hạng chỉ số chuyển đổi số ${periodLabelVi(input.period)}`,
    caption: `Phụ lục kèm theo Quyết định số ${number} ngày ${date}`,
    draft: input.draft,
    groups,
    notRanked,
  };
}

/** A group's table as text cells: Thứ tự xếp hạng | Tên đơn vị | Tổng điểm | one column per main criterion. */
export function groupTable(group: AnnexGroup): { header: string[]; rows: string[][] } {
  return {
    header: ['Thứ tự xếp hạng', 'Tên đơn vị', 'Tổng điểm', ...group.criteria.map((c) => c.name)],
    rows: group.rows.map((r) => [String(r.rank), r.name, pointsVi(r.total), ...r.criteria.map(pointsVi)]),
  };
}
