import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { toRows, type Plain } from '../tableRows.ts';
import { arrow, LATER_FIGURE, type Summary, type UnitLine } from './leaderSummary.ts';
import { chartFigure, dataTable, formatNumber, heatTable, paramsLine, periodLabel, WORDS, type Lang, type PageSection } from './renderPages.ts';

/**
 * A leader's page: the summary first, then sections in the order a leader asks (who is behind →
 * trend → ranking → details), each shown by its first rows with the rest under "xem tất cả"
 * (<details>, no JavaScript). No codes, unit types or status codes at any width: those stay in
 * the downloads.
 */

type Row = Record<string, Plain>;
type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const GROUPS = [
  { id: 'cham-bao-cao', vi: 'Ai chậm báo cáo', en: 'Who is late', queries: ['reporting_timeliness', 'missing_submissions'] },
  { id: 'xu-huong', vi: 'Xu hướng', en: 'Trend', queries: ['district_trend', 'timeliness_trend', 'dti_trend', 'indicator_trend', 'unit_trend'] },
  { id: 'xep-hang', vi: 'Xếp hạng', en: 'Ranking', queries: ['unit_ranking', 'dti_ranking'] },
  { id: 'chi-tiet', vi: 'Chi tiết', en: 'Details', queries: [] as string[] },
] as const;

/** Columns a leader never sees on the page (codes, types, internal states): the downloads keep them. */
const HIDDEN = ['unit', 'unit_type', 'indicator_code', 'status_code', 'framework', 'kind', 'source_file', 'registry_status', 'measure',
  'indicator_short_vi', 'indicator_short_en', 'submission_id', 'gap', 'appraised_components', 'self_total_points', 'explained_at'];
const hiddenFor = (names: string[], lang: Lang) => new Set([...HIDDEN, ...(names.includes('period_label') ? ['period'] : []),
  ...(lang === 'vi' ? ['message_en'] : ['message', 'pillars'])]);

/** Rows shown before "xem tất cả" on every size. */
const FIRST = 3;

const T = {
  vi: {
    more: (n: number) => `Xem tất cả (${formatNumber(n, 'vi')})`, data: 'Biểu đồ, bảng số liệu và tải về', jump: 'Đi tới', download: 'Tải về',
    sharedBy: (who: string, until: string) => `Liên kết do ${who} chia sẻ, có hiệu lực đến ${until}.`,
    twoRankings: 'Trang có hai cách xếp hạng: theo điểm chuyển đổi số (DTI, thang 1.000, theo bộ chỉ số) và theo tỷ lệ chỉ tiêu đạt. Một đơn vị có thể đứng cao ở cách này mà thấp ở cách kia.',
    noneLate: 'Mọi đơn vị đã nộp đúng hạn.', units: 'đơn vị', notReported: 'chưa báo cáo', met: (m: number, n: number) => `${m}/${n} ✓`,
    latest: (p: string, v: string) => `${p}: ${v}`, unitPage: 'Xem trang của đơn vị →', pdf: 'Tải bản PDF (A4) để in, chuyển tiếp', summary: 'Tóm tắt', overdue: (d: number) => `quá hạn ${d} ngày`, warnings: 'cảnh báo',
  },
  en: {
    more: (n: number) => `See all (${formatNumber(n, 'en')})`, data: 'Chart, table and downloads', jump: 'Go to', download: 'Download',
    sharedBy: (who: string, until: string) => `Link shared by ${who}, valid until ${until}.`,
    twoRankings: 'This page ranks units two ways: by digital-transformation points (DTI, of 1,000, under the framework) and by the share of targets met. A unit can stand high in one and low in the other.',
    noneLate: 'Every unit reported on time.', units: 'units', notReported: 'not reported', met: (m: number, n: number) => `${m}/${n} ✓`,
    latest: (p: string, v: string) => `${p}: ${v}`, unitPage: 'Open the unit\'s page →', pdf: 'Download as PDF (A4) to print or forward', summary: 'Summary', overdue: (d: number) => `${d} days overdue`, warnings: 'warnings',
  },
};

const num = (v: Plain | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The anchor of a unit's card in the scorecard, where the summary's names lead. */
export const unitAnchor = (unit: string) => `don-vi-${unit}`;

/** Where a unit's name leads: its own page within the link, else nothing. */
type UnitUrl = (unit: string) => string | null;

/** A unit's name, a link to its own page when the link holds it. */
function unitName(unitUrl: UnitUrl, unit: Plain, name: Plain): Html | string {
  const url = typeof unit === 'string' ? unitUrl(unit) : null;
  return url ? html`<a href="${url}">${name}</a>` : String(name ?? '');
}

function summaryBlock(summary: Summary, lang: Lang, unitUrl: UnitUrl): Html {
  const name = (u: { unit: string; name: string }) => unitName(unitUrl, u.unit, u.name);
  const list = (block: { title: string; units: UnitLine[] }, key: string) => block.units.length === 0 ? '' : html`<div class="summary-list" data-summary="${key}"><h2>${block.title}</h2><ol>${block.units.map((u) => html`<li><span class="who">${name(u)}</span> <span class="what">${u.text}</span>${u.later ? html` <span class="later-figure" data-later-figure>${u.later}</span>` : ''}</li>`)}</ol></div>`;
  return html`<section class="summary" aria-label="${T[lang].summary}"><div class="tiles">${summary.tiles.map((t) => html`<div class="tile ${t.tone}" data-tile="${t.key}"><p class="tile-label">${t.label}</p><p class="tile-value">${t.value}</p><p class="tile-detail">${t.detail}</p></div>`)}</div>
${list(summary.behind, 'behind')}${summary.improved ? list(summary.improved, 'improved') : ''}</section>`;
}

/** "Xem tất cả": the rest of a section, its chart, its whole table and its downloads, folded. */
function more(section: PageSection, rows: Row[], lang: Lang, count: number, withChart: boolean): Html {
  const names = section.table.schema.fields.map((f) => f.name);
  return html`<details class="more"><summary>${count > 0 ? T[lang].more(count) : T[lang].data}</summary>
${withChart && section.chartUrl && rows.length ? chartFigure(section.chartUrl, `${WORDS[lang].chartAlt}: ${section.query.title[lang]}`) : ''}${dataTable(section, rows, lang, hiddenFor(names, lang))}
<p class="downloads"><a href="${section.downloads.csv}" download>${T[lang].download} CSV</a><a href="${section.downloads.xlsx}" download>${T[lang].download} Excel</a></p></details>`;
}

/** The scorecard: the wide heat table on a screen; on a phone a line per unit (met of applicable), its card folded under it. */
function scorecardBody(section: PageSection, rows: Row[], lang: Lang, unitUrl: UnitUrl): Html {
  const byUnit = new Map<string, Row[]>();
  for (const r of rows) byUnit.set(String(r.unit), [...(byUnit.get(String(r.unit)) ?? []), r]);
  const line = (u: Row) => {
    const own = byUnit.get(String(u.unit)) ?? [];
    const reported = own.filter((r) => r.value !== null).length;
    return reported === 0 ? T[lang].notReported : T[lang].met(own.filter((r) => r.met === true).length, own.length);
  };
  const open = (u: Row) => {
    const url = unitUrl(String(u.unit));
    return url ? html`<p class="unit-link"><a href="${url}">${T[lang].unitPage}</a></p>` : '';
  };
  const card = (card: (u: Row) => Html) => (u: Row) => html`<details class="unit" id="${unitAnchor(String(u.unit))}"><summary><span class="who">${u.unit_name}</span> <span class="what">${line(u)}</span></summary>${open(u)}${card(u)}</details>`;
  return html`${heatTable(section, rows, lang, (units, render) => html`${units.slice(0, FIRST).map(card(render))}${units.length > FIRST ? html`<details class="more"><summary>${T[lang].more(units.length)}</summary>${units.slice(FIRST).map(card(render))}</details>` : ''}`)}
<p class="downloads"><a href="${section.downloads.csv}" download>${T[lang].download} CSV</a><a href="${section.downloads.xlsx}" download>${T[lang].download} Excel</a></p>`;
}

/** Beside a published figure corrected since: "có số liệu mới hơn" (the later figure itself is for analysts). */
const laterMark = (r: Row) => (typeof r[LATER_FIGURE] === 'string' ? html`<span class="later-figure" data-later-figure>${r[LATER_FIGURE]}</span>` : '');

/** A ranking as a list with its value on each bar (a <meter>: no script, no inline style); a unit that did not report says so. */
function rankingBody(section: PageSection, rows: Row[], lang: Lang, unitUrl: UnitUrl): Html {
  const dti = section.query.name === 'dti_ranking';
  const y = section.query.chart.y!;
  const max = dti ? 1000 : 100;
  const value = (r: Row) => num(r[y]);
  const silent = (r: Row) => (dti ? value(r) === null : num(r.indicators_reported) === 0);
  const text = (r: Row) => {
    if (silent(r)) return T[lang].notReported;
    if (dti) {
      const before = num(r.previous_points);
      return `${formatNumber(value(r)!, lang)}${before === null ? '' : ` (${arrow(value(r)! - before, lang)})`}`;
    }
    return `${formatNumber(value(r) ?? 0, lang)}% · ${num(r.indicators_met) ?? 0}/${num(r.indicators_applicable) ?? 0} ✓`;
  };
  const item = (r: Row) => html`<li data-unit-name="${r.unit_name}"><span class="rank">${num(r.rank) ?? '–'}</span><span class="who">${unitName(unitUrl, r.unit, r.unit_name)}</span><span class="bar"><meter min="0" max="${max}" value="${silent(r) ? 0 : value(r) ?? 0}"></meter><span class="what">${text(r)}</span></span>${laterMark(r)}</li>`;
  return html`<ol class="ranking" data-ranking="${section.query.name}">${rows.slice(0, FIRST).map(item)}</ol>${more(section, rows, lang, rows.length, true)}`;
}

/** A trend: its chart, and the latest value with its change in words. */
function trendBody(section: PageSection, rows: Row[], lang: Lang): Html {
  const y = section.query.chart.y!;
  const last = rows.at(-1);
  const before = rows.at(-2);
  const sentence = last && num(last[y]) !== null
    ? `${T[lang].latest(periodLabel(String(last.period), lang), formatNumber(num(last[y])!, lang))}${before && num(before[y]) !== null ? ` (${arrow(num(last[y])! - num(before[y])!, lang)} / ${periodLabel(String(before.period), lang)})` : ''}`
    : '';
  return html`${sentence ? html`<p class="lead">${sentence}</p>` : ''}${section.chartUrl && rows.length ? chartFigure(section.chartUrl, `${WORDS[lang].chartAlt}: ${section.query.title[lang]}`) : ''}${more(section, rows, lang, 0, false)}`;
}

/** Who is late, and other lists: a line each for the first rows, the whole table folded. */
function listBody(section: PageSection, rows: Row[], lang: Lang, unitUrl: UnitUrl): Html {
  const name = section.query.name;
  let first: Row[];
  let line: (r: Row) => string;
  if (name === 'reporting_timeliness') {
    first = rows.filter((r) => r.status_code === 'missing' || r.status_code === 'late').slice(0, FIRST);
    line = (r) => `${lang === 'vi' ? r.status : r.status_code === 'missing' ? 'Not sent (overdue)' : 'Late'}, ${lang === 'vi' ? `${r.days_late} ngày` : `${r.days_late} days`}`;
    if (first.length === 0) return html`<p class="lead">${T[lang].noneLate}</p>${more(section, rows, lang, rows.length, false)}`;
  } else if (name === 'missing_submissions') {
    first = rows.slice(0, FIRST);
    line = (r) => (num(r.days_overdue) ? T[lang].overdue(num(r.days_overdue)!) : T[lang].notReported);
  } else if (name === 'quality_warnings') {
    first = rows.slice(0, FIRST);
    line = (r) => (lang === 'vi' ? `${r.indicator_name ?? ''}: ${r.message}` : String(r.message_en));
  } else {
    return html`${dataTable(section, rows.slice(0, FIRST), lang, hiddenFor(section.table.schema.fields.map((f) => f.name), lang))}${rows.length > FIRST ? more(section, rows, lang, rows.length, true) : more(section, rows, lang, 0, true)}`;
  }
  return html`<ul class="brief">${first.map((r) => html`<li><span class="who">${unitName(unitUrl, r.unit, r.unit_name)}</span> <span class="what">${line(r)}</span></li>`)}</ul>${more(section, rows, lang, rows.length, false)}`;
}

const publishedNote = (note: string) => html`<p class="published-note" role="note" data-published-note>${note}</p>`;

function leaderSection(section: PageSection, lang: Lang, title: string, notes: string[], unitUrl: UnitUrl, published: string | null | undefined): Html {
  const rows = toRows(section.table) as Row[];
  const type = section.query.chart.type;
  const body = type === 'heatmap' ? scorecardBody(section, rows, lang, unitUrl)
    : type === 'bar' && (section.query.name === 'unit_ranking' || section.query.name === 'dti_ranking') ? rankingBody(section, rows, lang, unitUrl)
    : type === 'line' ? trendBody(section, rows, lang)
    : listBody(section, rows, lang, unitUrl);
  return html`<section data-section="${section.query.name}"><h3>${title}</h3><p class="meta">${paramsLine(section, lang)}</p>${published ? publishedNote(published) : ''}${notes.map((n) => html`<p class="registry-note" role="note">${n}</p>`)}${body}</section>`;
}

export interface LeaderPage {
  lang: Lang;
  /** The page's title, as the registry of its period names the level. */
  title: string;
  /** Each section's title, likewise. */
  titles: string[];
  sections: PageSection[];
  summary: Summary | null;
  /** Notes above each section (the registry's caveats). */
  notes: string[][];
  /** A unit's own page within the link, for the units its answer holds; absent: names lead nowhere. */
  unitUrl?: UnitUrl;
  /** The link as a PDF (A4 landscape), to forward or print. */
  pdfUrl?: string;
  /** "Đã công bố theo Quyết định số … ngày …": the page shows a published period's figures… */
  publishedNote?: string | null;
  /** …in these sections (by index): the note heads the page when the first is, else each of them. */
  publishedIn?: boolean[];
}

/** The body of a leader's page (the frame, with its footer, is renderPage's). */
export function renderLeaderBody(page: LeaderPage): Html {
  const { lang, sections } = page;
  const own = sections[0]!;
  const groupOf = (s: PageSection) => GROUPS.find((g) => (g.queries as readonly string[]).includes(s.query.name)) ?? GROUPS[3];
  const groups = GROUPS.map((g) => ({ g, items: sections.map((s, i) => ({ s, i })).filter(({ s }) => groupOf(s) === g) })).filter((x) => x.items.length);
  const unitUrl: UnitUrl = page.unitUrl ?? (() => null);
  const both = sections.some((s) => s.query.name === 'unit_ranking') && sections.some((s) => s.query.name === 'dti_ranking');
  return html`<h1>${page.title}</h1><p class="meta">${paramsLine(own, lang)}</p>
${page.publishedNote && page.publishedIn?.[0] ? publishedNote(page.publishedNote) : ''}
${page.summary ? summaryBlock(page.summary, lang, unitUrl) : ''}${page.pdfUrl ? html`<p class="downloads pdf"><a href="${page.pdfUrl}">${T[lang].pdf}</a></p>` : ''}
${groups.length > 1 ? html`<nav class="jump" aria-label="${T[lang].jump}">${groups.map(({ g }) => html`<a href="#${g.id}">${g[lang]}</a>`)}</nav>` : ''}
${groups.map(({ g, items }) => html`<div class="group" id="${g.id}"><h2>${g[lang]}</h2>${g.id === 'xep-hang' && both ? html`<p class="lead">${T[lang].twoRankings}</p>` : ''}${items.map(({ s, i }) => leaderSection(s, lang, page.titles[i]!, page.notes[i]!, unitUrl, !page.publishedIn?.[0] && page.publishedIn?.[i] ? page.publishedNote : null))}</div>`)}`;
}

/** The footer: who shared the link and until when, in the page's language. */
export const sharedLine = (lang: Lang, who: string, until: string) => T[lang].sharedBy(who, until);

