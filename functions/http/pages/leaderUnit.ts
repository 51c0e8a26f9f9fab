import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { shiftPeriod } from '../../domain/ingest/parsePeriod.ts';
import { registryNotes } from '../../domain/registry/registryNotes.ts';
import { resolveParams, type ParamValue } from '../../domain/queries/resolveParams.ts';
import type { HttpDeps } from '../context.ts';
import { toRows, type Plain } from '../tableRows.ts';
import { arrow } from './leaderSummary.ts';
import { resultFor } from './pageSections.ts';
import type { PublishedFigures } from './publishedResults.ts';
import { attainment, formatNumber, legend, periodLabel, valueMarks, WORDS, type Lang } from './renderPages.ts';

/**
 * A unit's own page within a leader's link: each indicator against its target and the period
 * before, its DTI points by pillar, and its trend across the reform (its predecessors' values
 * counted toward it, as the lineage the trend queries use has it). Read from the same saved
 * queries the link's page shows, so the numbers agree with it.
 */

type Row = Record<string, Plain>;
type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
type Deps = Pick<HttpDeps, 'queries' | 'runner' | 'catalog' | 'today' | 'localTime'>;

const num = (v: Plain | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The units a link's answer holds: only those may be opened from it. */
export async function unitsOfAnswer(deps: Deps, queryName: string, params: Record<string, ParamValue>): Promise<Set<string>> {
  const query = deps.queries.get(queryName);
  if (!query) return new Set();
  const units = new Set(toRows(await resultFor(deps, query, params, 'leader')).map((r) => r.unit).filter((u): u is string => typeof u === 'string'));
  if (typeof params.unit === 'string') units.add(params.unit);
  return units;
}

/** A saved query's rows for a period, or none when the period is not one the lake knows. */
async function rowsOf(deps: Deps, name: string, params: Record<string, string>): Promise<Row[]> {
  const query = deps.queries.get(name);
  if (!query) return [];
  try {
    return toRows(await resultFor(deps, query, resolveParams(query, params, deps.catalog, deps.today()), 'leader')) as Row[];
  } catch {
    return [];
  }
}

export interface UnitIndicator {
  code: string; name: string; value: number | null; target: number | null; met: boolean | null; measure: string; previous: number | null;
  /** The value is the one a publication scored; it was corrected since ("có số liệu mới hơn"). */
  laterFigure?: boolean;
}
export interface UnitPillar { name: string; points: number; max: number; /** A component's points were corrected after publication. */ laterFigure?: boolean }
export interface UnitTrendPoint { period: string; met: number; reported: number; units: string[] }

export interface UnitCard {
  unit: string;
  name: string;
  period: string;
  indicators: UnitIndicator[];
  dti: { total: number | null; previous: number | null; rank: number | null; pillars: UnitPillar[]; /** Corrected after publication: the published figure stands, marked. */ laterFigure?: boolean } | null;
  /** "Đã công bố theo Quyết định số … ngày …" when the DTI points are a publication's, and its mark's words. */
  published?: { note: string; laterWord: string } | null;
  trend: UnitTrendPoint[];
  /** Units whose values count toward this one in the trend (its predecessors), names. */
  predecessors: string[];
  notes: string[];
}

/**
 * The unit's trend in share of targets met, per period of the link's kind up to its period, in
 * the units of the registry on that period's last day: a predecessor's values count toward it.
 */
const TREND_SQL = `
SELECT k.period, k.unit, count(*) AS reported, sum(CASE WHEN k.met THEN 1 ELSE 0 END) AS met
FROM periods e
JOIN unit_lineage l ON l.as_of_unit = :unit AND l.from_date <= e.end_date AND l.to_date >= e.end_date
JOIN kpi_scored k ON k.unit = l.unit AND k.value IS NOT NULL
JOIN periods p ON p.period = k.period AND p.kind = e.kind AND p.start_date <= e.start_date
WHERE e.period = :period
GROUP BY k.period, k.unit, p.start_date
ORDER BY p.start_date, k.unit`;

/**
 * A unit's card for a period. `published`: the period's publication; the unit's DTI total, rank
 * and points by pillar are then the decision's, a figure corrected since marked beside it.
 */
export async function loadUnitCard(deps: Deps, unit: string, period: string, lang: Lang, published: PublishedFigures | null = null): Promise<UnitCard> {
  const catalogUnit = deps.catalog.catalog.units.find((u) => u.code === unit);
  const nameOf = (code: string) => {
    const u = deps.catalog.catalog.units.find((x) => x.code === code);
    return u ? (lang === 'en' && u.nameEn ? u.nameEn : u.nameVi) : code;
  };
  const [now, before, points, ranking, trendRows] = await Promise.all([
    rowsOf(deps, 'district_scorecard', { period }),
    rowsOf(deps, 'district_scorecard', { period: shiftPeriod(period, -1) }),
    rowsOf(deps, 'unit_scorecard', { unit, period }),
    rowsOf(deps, 'dti_ranking', { period }),
    deps.runner.runSql(TREND_SQL, { unit, period }).then((t) => toRows(t) as Row[], () => [] as Row[]),
  ]);
  const previous = new Map(before.filter((r) => r.unit === unit).map((r) => [String(r.indicator_code), num(r.value)]));
  const reported = now.filter((r) => r.unit === unit).map((r): UnitIndicator => ({
    code: String(r.indicator_code),
    name: String((lang === 'en' ? r.indicator_short_en : r.indicator_name) ?? r.indicator_name),
    value: num(r.value), target: num(r.target), met: typeof r.met === 'boolean' ? r.met : null, measure: String(r.measure),
    previous: previous.get(String(r.indicator_code)) ?? null,
  }));
  const asPublished = published?.unit(unit) ?? null;
  const indicators = asPublished ? asScored(deps, reported, published!.view.publication.scorecards.filter((c) => c.unit === unit)) : reported;
  const pillars = new Map<string, UnitPillar>();
  for (const r of asPublished ? published!.view.publication.scorecards.filter((c) => c.unit === unit) : points) {
    const name = String(r.pillar_name);
    const p = pillars.get(name) ?? { name: pillarName(deps, name, lang), points: 0, max: 0 };
    p.points += num(r.points) ?? 0;
    p.max += num(r.max_points) ?? 0;
    if (asPublished && String(r.indicator_code) in asPublished.changedComponents) p.laterFigure = true;
    pillars.set(name, p);
  }
  const rank = asPublished ? asPublished.published : ranking.find((r) => r.unit === unit);
  const byPeriod = new Map<string, UnitTrendPoint>();
  for (const r of trendRows) {
    const p = byPeriod.get(String(r.period)) ?? { period: String(r.period), met: 0, reported: 0, units: [] };
    p.met += num(r.met) ?? 0;
    p.reported += num(r.reported) ?? 0;
    p.units.push(nameOf(String(r.unit)));
    byPeriod.set(p.period, p);
  }
  const predecessors = [...new Set(trendRows.map((r) => String(r.unit)).filter((u) => u !== unit))].map(nameOf);
  return {
    unit, period, name: catalogUnit ? nameOf(unit) : unit, indicators,
    dti: rank || pillars.size ? { total: num(rank?.total_points), previous: num(rank?.previous_points), rank: num(rank?.rank), pillars: [...pillars.values()], laterFigure: asPublished?.laterFigure ?? false } : null,
    published: asPublished ? { note: published!.note, laterWord: published!.laterWord } : null,
    trend: [...byPeriod.values()],
    predecessors,
    notes: registryNotes(unit, deps.catalog.catalog, lang),
  };
}

/**
 * A published period's components at the values the decision scored: a value corrected since
 * keeps its published figure, met or not against the target as the heat table's colours judge
 * it (renderPages' attainment), and is marked.
 */
function asScored(deps: Deps, indicators: UnitIndicator[], scored: Row[]): UnitIndicator[] {
  const then = new Map(scored.map((c) => [String(c.indicator_code), num(c.value)]));
  return indicators.map((i) => {
    if (!then.has(i.code)) return i;
    const value = then.get(i.code)!;
    if (value === i.value || (value !== null && i.value !== null && Math.abs(value - i.value) < 0.005)) return i;
    const direction = deps.catalog.catalog.indicators.find((x) => x.code === i.code)?.direction;
    return { ...i, value, met: value === null ? null : attainment(value, i.target, direction) === 'ok', laterFigure: true };
  });
}

/** A pillar's name in the page's language: the framework's English name where it has one. */
function pillarName(deps: Deps, vi: string, lang: Lang): string {
  if (lang === 'vi') return vi;
  const component = (deps.catalog.catalog.frameworks ?? []).find((f) => f.pillarNameVi === vi && f.pillarNameEn);
  return component?.pillarNameEn || vi;
}

const T = {
  vi: {
    back: '← Về báo cáo chung', indicators: 'Các chỉ số', dti: 'Điểm chuyển đổi số (DTI)', trend: 'Xu hướng qua các kỳ',
    metOf: (m: number, n: number) => `${m}/${n} chỉ tiêu đạt`, previous: 'kỳ trước', noPrevious: 'kỳ trước: chưa có',
    total: (v: string) => `Tổng điểm: ${v} / 1.000`, rank: (r: number) => `hạng ${r}`, pillarPoints: (p: string, m: string) => `${p} / ${m} điểm`,
    trendLine: (m: number, n: number, share: string) => `${m}/${n} chỉ tiêu đạt (${share}%)`,
    predecessors: (names: string) => `Các kỳ trước sáp nhập gồm số liệu của: ${names}.`, noTrend: 'Chưa có số liệu qua các kỳ.',
    noneReported: 'Đơn vị chưa báo cáo kỳ này.', refused: 'Đơn vị này không thuộc báo cáo của liên kết.', refusedTitle: 'Không xem được đơn vị này',
  },
  en: {
    back: '← Back to the report', indicators: 'Indicators', dti: 'Digital-transformation points (DTI)', trend: 'Trend over the periods',
    metOf: (m: number, n: number) => `${m}/${n} targets met`, previous: 'previous period', noPrevious: 'previous period: none',
    total: (v: string) => `Total points: ${v} of 1,000`, rank: (r: number) => `rank ${r}`, pillarPoints: (p: string, m: string) => `${p} of ${m} points`,
    trendLine: (m: number, n: number, share: string) => `${m}/${n} targets met (${share}%)`,
    predecessors: (names: string) => `Periods before the merger include the values of: ${names}.`, noTrend: 'No values over the periods yet.',
    noneReported: 'The unit has not reported for this period.', refused: 'This unit is not part of the link\'s report.', refusedTitle: 'This unit cannot be shown',
  },
};

/** Words for a refusal page: a unit the link's report does not hold. */
export const refusedWords = (lang: Lang) => ({ title: T[lang].refusedTitle, message: T[lang].refused });

const valueText = (value: number, measure: string, lang: Lang) =>
  measure === 'boolean' ? (value >= 1 ? WORDS[lang].yes : WORDS[lang].no) : formatNumber(value, lang);

function indicatorItem(i: UnitIndicator, lang: Lang, laterWord: string | null): Html {
  const marks = valueMarks({ value: i.value, target: i.target, met: i.met, measure: i.measure }, lang);
  const cls = i.value === null ? 'none' : i.met ? 'ok' : 'low';
  const change = i.value !== null && i.previous !== null && i.measure !== 'boolean' ? ` (${arrow(i.value - i.previous, lang)})` : '';
  const previous = i.previous === null ? T[lang].noPrevious : `${T[lang].previous}: ${valueText(i.previous, i.measure, lang)}${change}`;
  return html`<li class="${cls}" data-indicator="${i.code}"><span class="who">${i.name}</span><span class="val">${i.value === null ? '–' : valueText(i.value, i.measure, lang)}<span class="sym">${marks.symbol}</span></span><span class="what">${marks.target}${marks.target ? ' · ' : ''}${previous}</span>${i.laterFigure && laterWord ? html`<span class="later-figure" data-later-figure>${laterWord}</span>` : ''}</li>`;
}

/** The page body; the frame (title, footer with who shared the link) is renderPage's. */
export function renderUnitCard(card: UnitCard, lang: Lang, backUrl: string): Html {
  const w = T[lang];
  const reported = card.indicators.filter((i) => i.value !== null);
  const met = reported.filter((i) => i.met === true).length;
  const trendMax = Math.max(1, ...card.trend.map((t) => t.reported));
  return html`<p class="back"><a href="${backUrl}">${w.back}</a></p>
<h1>${card.name}</h1><p class="meta">${periodLabel(card.period, lang)}</p>
${card.published ? html`<p class="published-note" role="note" data-published-note>${card.published.note}</p>` : ''}
${card.notes.map((n) => html`<p class="registry-note" role="note">${n}</p>`)}
<section class="unit-page" data-part="indicators"><h2>${w.indicators}</h2>
<p class="lead" data-unit-met>${reported.length ? w.metOf(met, card.indicators.length) : w.noneReported}</p>${legend(lang)}
<ol class="unit-indicators">${card.indicators.map((i) => indicatorItem(i, lang, card.published?.laterWord ?? null))}</ol></section>
${card.dti && reported.length ? html`<section class="unit-page" data-part="dti"><h2>${w.dti}</h2>
${card.dti.total !== null ? html`<p class="lead" data-dti-total>${w.total(formatNumber(card.dti.total, lang))}${card.dti.previous !== null ? ` (${arrow(card.dti.total - card.dti.previous, lang)} / ${w.previous})` : ''}${card.dti.rank !== null ? ` · ${w.rank(card.dti.rank)}` : ''}${card.dti.laterFigure && card.published ? html` <span class="later-figure" data-later-figure>${card.published.laterWord}</span>` : ''}</p>` : ''}
<ul class="pillars">${card.dti.pillars.map((p) => html`<li><span class="who">${p.name}</span><span class="bar"><meter min="0" max="${p.max || 1}" value="${p.points}"></meter><span class="what">${w.pillarPoints(formatNumber(p.points, lang), formatNumber(p.max, lang))}</span></span>${p.laterFigure && card.published ? html`<span class="later-figure" data-later-figure>${card.published.laterWord}</span>` : ''}</li>`)}</ul></section>` : ''}
<section class="unit-page" data-part="trend"><h2>${w.trend}</h2>
${card.predecessors.length ? html`<p class="lead" data-predecessors>${w.predecessors(card.predecessors.join(', '))}</p>` : ''}
${card.trend.length ? html`<ul class="pillars unit-trend">${card.trend.map((t) => html`<li data-period="${t.period}"><span class="who">${periodLabel(t.period, lang)}</span><span class="bar"><meter min="0" max="${trendMax}" value="${t.met}"></meter><span class="what">${w.trendLine(t.met, t.reported, formatNumber(Math.round((1000 * t.met) / t.reported) / 10, lang))}</span></span>${card.predecessors.length ? html`<span class="from">${t.units.join(', ')}</span>` : ''}</li>`)}</ul>` : html`<p>${w.noTrend}</p>`}</section>`;
}
