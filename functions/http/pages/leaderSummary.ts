import type { Plain } from '../tableRows.ts';
import { formatNumber, periodLabel, type Lang } from './renderPages.ts';

/**
 * The first phone screen of a leader's link: a few tiles that answer "who is behind, and is it
 * getting better?", and the units furthest behind and most improved. Every number is read from
 * the saved queries' results the page shows (so it equals the API's); nothing is scored here.
 */

type Row = Record<string, Plain>;
/** Results by saved-query name; "unit_ranking@previous" is the ranking of the period before. */
export type Results = ReadonlyMap<string, Row[]>;

export interface Tile {
  /** Stable name for tests and styles: met, change, late, dti. */
  key: string;
  label: string;
  value: string;
  detail: string;
  tone: 'good' | 'bad' | 'plain';
}

export interface UnitLine {
  unit: string;
  name: string;
  text: string;
  /** A published figure corrected since: "có số liệu mới hơn", shown beside the text. */
  later?: string;
}

export interface Summary {
  tiles: Tile[];
  behind: { title: string; units: UnitLine[] };
  improved: { title: string; units: UnitLine[] } | null;
}

/**
 * The column a published answer gains (pages/publishedResults.ts) when a figure in it was
 * corrected after publication: "có số liệu mới hơn" in the page's language, beside the figure.
 */
export const LATER_FIGURE = 'later_figure';
const later = (r: Row) => (typeof r[LATER_FIGURE] === 'string' ? { later: r[LATER_FIGURE] as string } : {});

const num = (v: Plain | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** ▲ 3,2 / ▼ 1,5 / = 0: a change with its direction as a symbol, never by colour alone. */
export function arrow(delta: number, lang: Lang): string {
  const rounded = Math.round(delta * 10) / 10;
  if (rounded === 0) return '= 0';
  return `${rounded > 0 ? '▲' : '▼'} ${formatNumber(Math.abs(rounded), lang)}`;
}

const toneOf = (delta: number | null): Tile['tone'] => (delta === null || Math.round(delta * 10) === 0 ? 'plain' : delta > 0 ? 'good' : 'bad');

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const W = {
  vi: {
    met: 'Chỉ tiêu đạt', metDetail: (units: number, _all: number, total: number) => `lượt chỉ tiêu của ${total} đơn vị; ${units} đơn vị đạt hết`,
    change: 'So với kỳ trước (điểm %)', changeDetail: (from: string, a: string, b: string) => `Tỷ lệ đạt: ${from} ${a}% → ${b}%`, onTimeChangeDetail: (from: string, a: string, b: string) => `Tỷ lệ nộp đúng hạn: ${from} ${a}% → ${b}%`, points: 'điểm %',
    noPrevious: 'Chưa có số liệu kỳ trước',
    late: 'Chưa báo cáo đúng hạn', lateDetail: (missing: number, late: number, notDue: number) => [`${missing} chưa nộp`, `${late} nộp trễ`, ...(notDue ? [`${notDue} chưa đến hạn`] : [])].join(' · '),
    dti: 'Điểm DTI trung vị', dtiRange: (lo: string, hi: string) => `thấp nhất ${lo} · cao nhất ${hi} (thang 1.000)`,
    dtiChange: 'Trung vị so với kỳ trước', dtiChangeDetail: (up: number, down: number) => `${up} đơn vị tăng điểm · ${down} giảm`,
    onTime: 'Nộp đúng hạn', onTimeDetail: (share: string) => `${share}% đơn vị phải báo cáo`,
    behind: 'Cần quan tâm nhất', improved: 'Tiến bộ nhất', notReported: 'chưa báo cáo', metOf: (m: number, n: number) => `${m}/${n} chỉ tiêu đạt`,
    overdue: (d: number) => `chưa nộp, quá hạn ${d} ngày`, lateBy: (d: number) => `nộp trễ ${d} ngày`,
  },
  en: {
    met: 'Targets met', metDetail: (units: number, _all: number, total: number) => `targets of ${total} units; ${units} units met all`,
    change: 'Since the previous period (points)', changeDetail: (from: string, a: string, b: string) => `Share met: ${from} ${a}% → ${b}%`, onTimeChangeDetail: (from: string, a: string, b: string) => `Share on time: ${from} ${a}% → ${b}%`, points: 'points',
    noPrevious: 'No previous period yet',
    late: 'Not reported on time', lateDetail: (missing: number, late: number, notDue: number) => [`${missing} not sent`, `${late} late`, ...(notDue ? [`${notDue} not due yet`] : [])].join(' · '),
    dti: 'Median DTI points', dtiRange: (lo: string, hi: string) => `lowest ${lo} · highest ${hi} (of 1,000)`,
    dtiChange: 'Median since the previous period', dtiChangeDetail: (up: number, down: number) => `${up} units gained points · ${down} lost`,
    onTime: 'Reported on time', onTimeDetail: (share: string) => `${share}% of the units due`,
    behind: 'Furthest behind', improved: 'Most improved', notReported: 'not reported', metOf: (m: number, n: number) => `${m}/${n} targets met`,
    overdue: (d: number) => `not sent, ${d} days overdue`, lateBy: (d: number) => `${d} days late`,
  },
};

/** Units that did not report by the deadline: the timeliness query's missing and late. */
function lateTile(rows: Row[] | undefined, lang: Lang): Tile | null {
  if (!rows) return null;
  const w = W[lang];
  const count = (code: string) => rows.filter((r) => r.status_code === code).length;
  const missing = count('missing');
  const late = count('late');
  return { key: 'late', label: w.late, value: `${formatNumber(missing + late, lang)}/${formatNumber(rows.length, lang)}`, detail: w.lateDetail(missing, late, count('not_due')), tone: missing + late > 0 ? 'bad' : 'good' };
}

function trendChange(rows: Row[] | undefined, column: string, period: string, lang: Lang): Tile | null {
  if (!rows) return null;
  const w = W[lang];
  const at = rows.findIndex((r) => r.period === period);
  const now = at >= 0 ? num(rows[at]![column]) : null;
  const before = at > 0 ? num(rows[at - 1]![column]) : null;
  if (now === null || before === null) return { key: 'change', label: w.change, value: '–', detail: w.noPrevious, tone: 'plain' };
  return {
    key: 'change', label: w.change, value: arrow(now - before, lang),
    detail: (column === 'on_time_share' ? w.onTimeChangeDetail : w.changeDetail)(periodLabel(String(rows[at - 1]!.period), lang), formatNumber(before, lang), formatNumber(now, lang)), tone: toneOf(now - before),
  };
}

/** The scorecard's summary: targets met, the change in the share met, late units, the DTI median; behind and improved by share met. */
function scorecardSummary(results: Results, period: string, lang: Lang): Summary {
  const w = W[lang];
  const rows = results.get('district_scorecard') ?? [];
  const units = new Map<string, { name: string; met: number; all: number }>();
  for (const r of rows) {
    const u = units.get(String(r.unit)) ?? { name: String(r.unit_name), met: 0, all: 0 };
    u.all++;
    if (r.met === true) u.met++;
    units.set(String(r.unit), u);
  }
  const met = rows.filter((r) => r.met === true).length;
  const allMet = [...units.values()].filter((u) => u.met === u.all).length;
  const tiles: Tile[] = [
    { key: 'met', label: w.met, value: `${formatNumber(met, lang)}/${formatNumber(rows.length, lang)}`, detail: w.metDetail(allMet, rows.length, units.size), tone: 'plain' },
  ];
  const change = trendChange(results.get('district_trend'), 'share_met', period, lang);
  if (change) tiles.push(change);
  const late = lateTile(results.get('reporting_timeliness'), lang);
  if (late) tiles.push(late);
  const dti = dtiTile(results.get('dti_ranking'), lang);
  if (dti) tiles.push(dti);
  return { tiles, ...rankingLines(results.get('unit_ranking'), results.get('unit_ranking@previous'), lang) };
}

/** Behind: the lowest shares met (units with nothing reported first); improved: the largest gain in share met since the period before. */
function rankingLines(ranking: Row[] | undefined, previous: Row[] | undefined, lang: Lang): Pick<Summary, 'behind' | 'improved'> {
  const w = W[lang];
  const rows = ranking ?? [];
  const silent = (r: Row) => num(r.indicators_reported) === 0;
  const behind = [...rows].sort((a, b) => Number(silent(b)) - Number(silent(a)) || (num(a.score) ?? 0) - (num(b.score) ?? 0)).slice(0, 3)
    .map((r) => ({ unit: String(r.unit), name: String(r.unit_name), text: silent(r) ? w.notReported : `${w.metOf(num(r.indicators_met) ?? 0, num(r.indicators_applicable) ?? 0)} (${formatNumber(num(r.score) ?? 0, lang)}%)` }));
  const before = new Map((previous ?? []).filter((r) => !silent(r)).map((r) => [String(r.unit), num(r.score)]));
  const gains = rows.filter((r) => !silent(r) && before.get(String(r.unit)) != null)
    .map((r) => ({ r, delta: (num(r.score) ?? 0) - before.get(String(r.unit))! }))
    .filter((g) => g.delta > 0)
    .sort((a, b) => b.delta - a.delta).slice(0, 3)
    .map(({ r, delta }) => ({ unit: String(r.unit), name: String(r.unit_name), text: `${arrow(delta, lang)} ${w.points} (${formatNumber(before.get(String(r.unit))!, lang)}% → ${formatNumber(num(r.score) ?? 0, lang)}%)` }));
  return { behind: { title: w.behind, units: behind }, improved: { title: w.improved, units: gains } };
}

function dtiTile(rows: Row[] | undefined, lang: Lang): Tile | null {
  const points = (rows ?? []).map((r) => num(r.total_points)).filter((v): v is number => v !== null);
  const mid = median(points);
  if (mid === null) return null;
  const w = W[lang];
  return { key: 'dti', label: w.dti, value: formatNumber(mid, lang), detail: w.dtiRange(formatNumber(Math.min(...points), lang), formatNumber(Math.max(...points), lang)), tone: 'plain' };
}

/** The DTI ranking's summary: the median and range, the median's change, late units; behind and improved by points. */
function dtiSummary(results: Results, lang: Lang): Summary {
  const w = W[lang];
  const rows = results.get('dti_ranking') ?? [];
  const tiles: Tile[] = [];
  const dti = dtiTile(rows, lang);
  if (dti) tiles.push(dti);
  const pairs = rows.map((r) => [num(r.previous_points), num(r.total_points)] as const).filter(([a, b]) => a !== null && b !== null) as [number, number][];
  const now = median(pairs.map(([, b]) => b));
  const before = median(pairs.map(([a]) => a));
  tiles.push(now === null || before === null
    ? { key: 'change', label: w.dtiChange, value: '–', detail: w.noPrevious, tone: 'plain' }
    : { key: 'change', label: w.dtiChange, value: arrow(now - before, lang), detail: w.dtiChangeDetail(pairs.filter(([a, b]) => b > a).length, pairs.filter(([a, b]) => b < a).length), tone: toneOf(now - before) });
  const late = lateTile(results.get('reporting_timeliness'), lang);
  if (late) tiles.push(late);
  const behind = [...rows].sort((a, b) => (num(a.total_points) ?? -1) - (num(b.total_points) ?? -1)).slice(0, 3)
    .map((r) => ({ unit: String(r.unit), name: String(r.unit_name), text: num(r.total_points) === null ? w.notReported : formatNumber(num(r.total_points)!, lang), ...later(r) }));
  const improved = rows.filter((r) => num(r.total_points) !== null && num(r.previous_points) !== null && num(r.total_points)! > num(r.previous_points)!)
    .sort((a, b) => (num(b.total_points)! - num(b.previous_points)!) - (num(a.total_points)! - num(a.previous_points)!)).slice(0, 3)
    .map((r) => ({ unit: String(r.unit), name: String(r.unit_name), text: `${arrow(num(r.total_points)! - num(r.previous_points)!, lang)} (${formatNumber(num(r.previous_points)!, lang)} → ${formatNumber(num(r.total_points)!, lang)})`, ...later(r) }));
  return { tiles, behind: { title: w.behind, units: behind }, improved: { title: w.improved, units: improved } };
}

/** Timeliness: on time, the change in the share on time, late units; the longest overdue. */
function timelinessSummary(results: Results, period: string, lang: Lang): Summary {
  const w = W[lang];
  const rows = results.get('reporting_timeliness') ?? [];
  const onTime = rows.filter((r) => r.status_code === 'on_time').length;
  const trend = results.get('timeliness_trend');
  const share = num(trend?.find((r) => r.period === period)?.on_time_share);
  const tiles: Tile[] = [{ key: 'on_time', label: w.onTime, value: `${formatNumber(onTime, lang)}/${formatNumber(rows.length, lang)}`, detail: share === null ? '' : w.onTimeDetail(formatNumber(share, lang)), tone: 'plain' }];
  const change = trendChange(trend, 'on_time_share', period, lang);
  if (change) tiles.push(change);
  const late = lateTile(rows, lang);
  if (late) tiles.push(late);
  const behind = rows.filter((r) => r.status_code === 'missing' || r.status_code === 'late').slice(0, 3)
    .map((r) => ({ unit: String(r.unit), name: String(r.unit_name), text: r.status_code === 'missing' ? w.overdue(num(r.days_late) ?? 0) : w.lateBy(num(r.days_late) ?? 0) }));
  return { tiles, behind: { title: w.behind, units: behind }, improved: null };
}

/** The link's summary, for the saved queries that have one. */
export function summarize(query: string, results: Results, period: string, lang: Lang): Summary | null {
  if (query === 'district_scorecard') return scorecardSummary(results, period, lang);
  if (query === 'dti_ranking') return dtiSummary(results, lang);
  if (query === 'reporting_timeliness') return timelinessSummary(results, period, lang);
  return null;
}

/** What a summary reads besides the page's own sections: "name@previous" is that query for the period before. */
export const SUMMARY_NEEDS: Record<string, string[]> = {
  district_scorecard: ['unit_ranking@previous'],
  dti_ranking: ['reporting_timeliness'],
  reporting_timeliness: [],
};
