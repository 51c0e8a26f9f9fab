import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Table } from 'apache-arrow';
import { toRows } from '../tableRows.ts';
import type { SavedQuery } from '../../domain/queries/savedQueries.ts';

export type Lang = 'vi' | 'en';
export const langOf = (c: { req: { query(name: string): string | undefined } }): Lang => (c.req.query('lang') === 'en' ? 'en' : 'vi');
type Row = Record<string, string | number | boolean | null>;
type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** One block of a page: a saved query, its parameters, its result, and where its chart and files are. */
export interface PageSection {
  query: SavedQuery;
  params: Record<string, string | number>;
  table: Table;
  chartUrl: string | null;
  downloads: { csv: string; xlsx: string };
  /** A result's (UTC) timestamp as the deployment's people read it: the clock's localTime. */
  localTime: (at: string) => string;
  /** Analysts' pages: where a value's provenance is shown (leaders' pages have none). */
  provenanceUrl?: (unit: string, period: string, indicator: string) => string;
  /** What the registry says behind these numbers (predecessors, unverified events), shown above them. */
  notes?: string[];
  /** Analysts' pages: quality warnings by "unit|indicator", marked beside the value. */
  warnings?: Map<string, string>;
  /** Analysts' pages, while approval is required: values waiting for it, by "unit|indicator". */
  pending?: Map<string, { value: number; approval: string }>;
}

const WORDS = {
  vi: { yes: 'Có', no: 'Không', met: 'Đạt chỉ tiêu', near: 'Đạt từ 80% chỉ tiêu', low: 'Dưới 80% chỉ tiêu', none: 'Chưa báo cáo', download: 'Tải về', chartAlt: 'Biểu đồ', numbers: 'Số liệu', generated: 'Số liệu đến', empty: 'Không có dòng nào.', expires: 'Liên kết có hiệu lực đến', print: 'In trang', unapproved: 'chưa duyệt', returned: 'bị trả lại', unverified: 'Một số số liệu dựa vào sự kiện danh mục đơn vị chưa được xác minh văn bản (đánh dấu "chưa xác minh").' },
  en: { yes: 'Yes', no: 'No', met: 'Target met', near: 'At least 80% of target', low: 'Below 80% of target', none: 'Not reported', download: 'Download', chartAlt: 'Chart', numbers: 'Numbers', generated: 'Data as of', empty: 'No rows.', expires: 'Link valid until', print: 'Print', unapproved: 'not approved', returned: 'returned', unverified: 'Some figures rest on registry events not yet verified against their documents (marked "not verified").' },
};

export const formatNumber = (value: number, lang: Lang) =>
  new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 }).format(value);

/** A scorecard value as shown: yes/no for a yes-or-no indicator, else the number in the page's language. */
const valueText = (value: number, measure: unknown, lang: Lang) =>
  measure === 'boolean' ? (value >= 1 ? WORDS[lang].yes : WORDS[lang].no) : formatNumber(value, lang);

function cellText(value: Row[string], column: string, lang: Lang, localTime: (at: string) => string): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return value ? WORDS[lang].yes : WORDS[lang].no;
  if (typeof value === 'number') return column === 'rank' || column.endsWith('_count') || column.startsWith('indicators_') || column.startsWith('units_') ? String(value) : formatNumber(value, lang);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return localTime(value);
  return value;
}

/** Attainment class of a value against its target: the heat table's colours. */
export function attainment(value: number | null, target: number | null, direction = 'higher'): 'ok' | 'near' | 'low' | 'none' {
  if (value === null || target === null) return 'none';
  if (direction === 'higher' ? value >= target : value <= target) return 'ok';
  return target > 0 && value >= 0.8 * target ? 'near' : 'low';
}

function legend(lang: Lang): Html {
  const w = WORDS[lang];
  return html`<div class="legend" aria-label="legend"><span class="ok">${w.met}</span><span class="near">${w.near}</span><span class="low">${w.low}</span><span class="none">${w.none}</span></div>`;
}

function label(query: SavedQuery, column: string, lang: Lang): string {
  const meta = query.columns.find((c) => c.name === column);
  return meta ? meta[lang] : column;
}

/** A code column, and the column naming the same thing in words. */
const CODE_COLUMNS: Record<string, string> = { unit: 'unit_name', period: 'period_label', indicator_code: 'indicator_name', unit_type: 'unit_name', status_code: 'status', kind: 'message' };

/** The plain table of a result: every chart has its numbers beside it. */
function dataTable(section: PageSection, rows: Row[], lang: Lang): Html {
  const names = section.table.schema.fields.map((f) => f.name);
  if (rows.length === 0) return html`<p class="meta">${WORDS[lang].empty}</p>`;
  const numeric = new Set(names.filter((n) => rows.some((r) => typeof r[n] === 'number')));
  // Codes beside their names (unit beside unit_name, period beside period_label) stay for
  // analysts and print; a phone shows the names only.
  const codes = new Set(names.filter((n) => CODE_COLUMNS[n] && names.includes(CODE_COLUMNS[n]!)));
  const cls = (n: string) => [numeric.has(n) ? 'num' : '', codes.has(n) ? 'code' : ''].filter(Boolean).join(' ');
  return html`<div class="scroll cards"><table class="cards" data-query="${section.query.name}">
<thead><tr>${names.map((n) => html`<th scope="col" class="${cls(n)}">${label(section.query, n, lang)}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${names.map((n) => html`<td class="${cls(n)}" data-col="${n}" data-label="${label(section.query, n, lang)}">${cellText(r[n] ?? null, n, lang, section.localTime)}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

/**
 * Units down, indicators across, each cell coloured by attainment of its target; headed by the
 * indicators' short names (never codes). On a phone the same numbers are a card per unit, every
 * indicator on its own line, so nothing needs scrolling sideways; CSS chooses which is shown.
 */
function heatTable(section: PageSection, rows: Row[], lang: Lang): Html {
  const indicators = [...new Map(rows.map((r) => [r.indicator_code as string, r])).values()];
  const units = [...new Map(rows.map((r) => [r.unit as string, r])).values()];
  const byKey = new Map(rows.map((r) => [`${r.unit}|${r.indicator_code}`, r]));
  const short = (r: Row) => String((lang === 'vi' ? r.indicator_short_vi : r.indicator_short_en) ?? r.indicator_name);
  const cell = (u: Row, i: Row) => {
    const r = byKey.get(`${u.unit}|${i.indicator_code}`);
    if (!r) return null;
    const value = r.value as number | null;
    const text = value === null ? '–' : valueText(value, r.measure, lang);
    return { cls: attainment(value, r.target as number | null), text, target: formatNumber(r.target as number, lang) };
  };
  return html`${legend(lang)}<div class="scroll heat-wide"><table class="heat" data-query="${section.query.name}">
<thead><tr><th scope="col">${label(section.query, 'unit_name', lang)}</th>${indicators.map((i) => html`<th scope="col" class="ind" title="${i.indicator_name}">${short(i)}</th>`)}</tr></thead>
<tbody>${units.map((u) => html`<tr data-unit="${u.unit}"><td class="unit">${u.unit_name}</td>${indicators.map((i) => {
    const c = cell(u, i);
    if (!c) return html`<td></td>`;
    const period = String(section.params.period ?? '');
    const text = section.provenanceUrl && c.text !== '–' ? html`<a href="${section.provenanceUrl(String(u.unit), period, String(i.indicator_code))}">${c.text}</a>` : c.text;
    const waiting = section.pending?.get(`${u.unit}|${i.indicator_code}`);
    if (waiting) {
      const shown = valueText(waiting.value, i.measure, lang);
      const word = waiting.approval === 'returned' ? WORDS[lang].returned : WORDS[lang].unapproved;
      return html`<td class="num ${c.cls} pending" data-indicator="${i.indicator_code}" data-pending="${shown}" title="${i.indicator_name}: ${word} ${shown}">${text} <span class="pending-mark">${word}: ${shown}</span></td>`;
    }
    const warning = section.warnings?.get(`${u.unit}|${i.indicator_code}`);
    if (warning) return html`<td class="num ${c.cls} warn" data-indicator="${i.indicator_code}" data-warning="${warning}" title="${i.indicator_name}: ${c.text} / ${c.target} — ⚠ ${warning}">${text} <span class="warn-mark" aria-label="${warning}">⚠</span></td>`;
    return html`<td class="num ${c.cls}" data-indicator="${i.indicator_code}" title="${i.indicator_name}: ${c.text} / ${c.target}">${text}</td>`;
  })}</tr>`)}</tbody>
</table></div>
<div class="heat-cards">${units.map((u) => html`<section class="unit-card" data-unit="${u.unit}"><h3>${u.unit_name}</h3><dl>${indicators.map((i) => {
    const c = cell(u, i);
    return c ? html`<div class="${c.cls}"><dt>${short(i)}</dt><dd>${c.text}</dd></div>` : '';
  })}</dl></section>`)}</div>`;
}

/** Widths a chart is drawn at: for a phone (its text stays at least 11 px there) and for a wider screen or paper. */
export const CHART_WIDTHS = { narrow: 340, wide: 900 } as const;

/** A chart drawn for the width it is shown at: the phone gets its own drawing, not a shrunk one. */
function chartFigure(url: string, alt: string): Html {
  const sized = (w: number) => `${url}${url.includes('?') ? '&' : '?'}w=${w}`;
  return html`<figure class="chart"><picture><source media="(max-width: 640px)" srcset="${sized(CHART_WIDTHS.narrow)}"><img src="${sized(CHART_WIDTHS.wide)}" alt="${alt}"></picture></figure>`;
}

export function renderSection(section: PageSection, lang: Lang, headingLevel: 1 | 2): Html {
  const rows = toRows(section.table) as Row[];
  const q = section.query;
  const title = headingLevel === 1 ? html`<h1>${q.title[lang]}</h1>` : html`<h2>${q.title[lang]}</h2>`;
  const params = Object.entries(section.params).map(([k, v]) => `${q.params.find((p) => p.name === k)?.description[lang] ?? k}: ${v}`).join(' · ');
  const body = q.chart.type === 'heatmap'
    ? heatTable(section, rows, lang)
    : html`${section.chartUrl && rows.length ? chartFigure(section.chartUrl, `${WORDS[lang].chartAlt}: ${q.title[lang]}`) : ''}${dataTable(section, rows, lang)}`;
  // Numbers resting on a registry event nobody has checked against its document say so.
  const unverified = rows.some((r) => r.verified === 'no' || String(r.registry_status ?? '').includes('chưa xác minh'));
  const notes = [...(section.notes ?? []), ...(unverified && !(section.notes ?? []).length ? [WORDS[lang].unverified] : [])];
  return html`<section data-section="${q.name}">${title}<p class="meta">${params}</p>${notes.map((n) => html`<p class="registry-note" role="note">${n}</p>`)}${body}
<p class="downloads"><a href="${section.downloads.csv}" download>${WORDS[lang].download} CSV</a><a href="${section.downloads.xlsx}" download>${WORDS[lang].download} Excel</a></p></section>`;
}

export interface PageFrame {
  lang: Lang;
  title: string;
  /** The same page in the other language. */
  otherLangUrl: string;
  footer?: string;
  /** The registry version the numbers were read with. */
  registryVersion?: string;
}

export function renderPage(frame: PageFrame, content: Html): Html {
  const other = frame.lang === 'vi' ? 'English' : 'Tiếng Việt';
  return html`<!doctype html>
<html lang="${frame.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${frame.title} — chiso</title>
<link rel="stylesheet" href="/assets/chiso.css">
</head>
<body>
<header class="top"><a class="brand" href="#">chiso · chỉ số chuyển đổi số</a><nav class="lang"><a href="${frame.otherLangUrl}" hreflang="${frame.lang === 'vi' ? 'en' : 'vi'}">${other}</a></nav></header>
<main>${content}</main>
<footer>${frame.footer ?? ''}${frame.registryVersion ? html`<span class="registry-version">${frame.lang === 'vi' ? 'Danh mục đơn vị' : 'Registry'}: ${frame.registryVersion}</span>` : ''}</footer>
</body>
</html>`;
}

/** A page for a refusal: a tampered link, an expired one, a missing login. Plain, no details. */
export function renderNotice(lang: Lang, title: string, message: string): Html {
  return renderPage({ lang, title, otherLangUrl: '?lang=' + (lang === 'vi' ? 'en' : 'vi') }, html`<div class="notice" role="alert"><h1>${title}</h1><p>${message}</p></div>`);
}

export { raw };
