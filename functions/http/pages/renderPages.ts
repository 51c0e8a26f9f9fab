import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Table } from 'apache-arrow';
import { toRows } from '../tableRows.ts';
import type { SavedQuery } from '../../domain/queries/savedQueries.ts';
import { periodLabelVi } from '../../domain/registry/periods.ts';
import { CANONICAL_PERIOD, periodEnd } from '../../domain/ingest/parsePeriod.ts';
import type { Indicator, Unit } from '../../domain/types.ts';

export type Lang = 'vi' | 'en';
export const langOf = (c: { req: { query(name: string): string | undefined } }): Lang => (c.req.query('lang') === 'en' ? 'en' : 'vi');
type Row = Record<string, string | number | boolean | null>;
type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** One block of a page: a saved query, its parameters, its result, and where its chart and files are. */
export interface PageSection {
  query: SavedQuery;
  /** The heading as the registry of its period has it (titleFor); the query's own title otherwise. */
  title?: string;
  params: Record<string, string | number>;
  table: Table;
  chartUrl: string | null;
  downloads: { csv: string; xlsx: string };
  /** A result's (UTC) timestamp as the deployment's people read it: the clock's localTime. */
  localTime: (at: string) => string;
  /** A unit's name for a unit parameter (leaders read names, never codes). */
  unitName?: (code: string) => string;
  /** Analysts' pages: where a value's provenance is shown (leaders' pages have none). */
  provenanceUrl?: (unit: string, period: string, indicator: string) => string;
  /** What the registry says behind these numbers (predecessors, unverified events), shown above them. */
  notes?: string[];
  /** Analysts' pages: quality warnings by "unit|indicator", marked beside the value. */
  warnings?: Map<string, string>;
  /** Analysts' pages, while approval is required: values waiting for it, by "unit|indicator". */
  pending?: Map<string, { value: number; approval: string }>;
}

export const WORDS = {
  vi: { yes: 'Có', no: 'Không', met: '✓ Đạt chỉ tiêu', near: '✗ Chưa đạt, từ 80% chỉ tiêu', low: '✗ Chưa đạt, dưới 80% chỉ tiêu', none: '– Chưa báo cáo', na: 'Ô trống: không áp dụng', notReported: 'chưa báo cáo', target: 'chỉ tiêu', needs: 'cần', download: 'Tải về', chartAlt: 'Biểu đồ', numbers: 'Số liệu', generated: 'Số liệu đến', empty: 'Không có dòng nào.', expires: 'Liên kết có hiệu lực đến', print: 'In trang', unapproved: 'chưa duyệt', returned: 'bị trả lại', unverified: 'Một số số liệu dựa vào sự kiện danh mục đơn vị chưa được xác minh văn bản (đánh dấu "chưa xác minh").' },
  en: { yes: 'Yes', no: 'No', met: '✓ Target met', near: '✗ Not met, at least 80% of target', low: '✗ Not met, below 80% of target', none: '– Not reported', na: 'Blank: not applicable', notReported: 'not reported', target: 'target', needs: 'needs', download: 'Download', chartAlt: 'Chart', numbers: 'Numbers', generated: 'Data as of', empty: 'No rows.', expires: 'Link valid until', print: 'Print', unapproved: 'not approved', returned: 'returned', unverified: 'Some figures rest on registry events not yet verified against their documents (marked "not verified").' },
};

export const formatNumber = (value: number, lang: Lang) =>
  new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 }).format(value);

/** A date or a local time ("2027-01-03", "2027-01-03 14:05") as people there write it: 03/01/2027 (14:05). */
export function formatDate(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}:\d{2}))?/.exec(text);
  return m ? `${m[3]}/${m[2]}/${m[1]}${m[4] ? ` ${m[4]}` : ''}` : text;
}

/** A period as a report names it: "Quý III/2026" in Vietnamese, "Q3 2026" in English. */
export function periodLabel(period: string, lang: Lang): string {
  if (lang === 'vi') return periodLabelVi(period);
  const m = CANONICAL_PERIOD.exec(period);
  if (!m) return period;
  const [, y, part] = m;
  if (!part) return `${y}`;
  if (part.startsWith('H') || part.startsWith('Q')) return `${part} ${y}`;
  if (part === 'M9') return `First nine months of ${y}`;
  return `${new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(y), Number(part) - 1, 1)))} ${y}`;
}

/** A link's parameters as people write them: "Quý IV/2024 · Xã Liên Châu"; a blank one (every ranking group) left out. */
export function linkParamsText(query: SavedQuery | undefined, params: Record<string, unknown>, catalog: { units: readonly Unit[]; indicators: readonly Indicator[] }, lang: Lang): string {
  return Object.entries(params).filter(([, v]) => v !== null && v !== undefined && String(v).trim() !== '').map(([k, v]) => {
    const type = query?.params.find((p) => p.name === k)?.type;
    if (type === 'period') return periodLabel(String(v), lang);
    if (type === 'date') return formatDate(String(v));
    if (type === 'unit') { const u = catalog.units.find((x) => x.code === v); return u ? (lang === 'en' && u.nameEn ? u.nameEn : u.nameVi) : String(v); }
    if (type === 'indicator') { const i = catalog.indicators.find((x) => x.code === v); return i ? (lang === 'vi' ? i.shortNameVi : i.shortNameEn) : String(v); }
    return String(v);
  }).join(' · ');
}

/**
 * A title as the registry of its period has it: the district level was abolished on 1 July
 * 2025, so a period whose units include no district office is "các xã", not "toàn huyện".
 */
export function titleFor(query: SavedQuery, params: Record<string, unknown>, units: readonly Unit[], lang: Lang): string {
  const title = query.title[lang];
  const period = typeof params.period === 'string' ? params.period : typeof params.to === 'string' ? params.to : null;
  if (!period || !CANONICAL_PERIOD.test(period)) return title;
  const end = periodEnd(period);
  const district = units.some((u) => (u.type === 'department' || u.type === 'police') && (!u.validFrom || u.validFrom <= end) && (!u.validTo || u.validTo >= end));
  if (district) return title;
  return lang === 'vi' ? title.replace(/toàn huyện/g, 'các xã') : title.replace(/\bDistrict\b/g, 'Commune').replace(/\bdistrict\b/g, 'commune');
}

/** A scorecard value as shown: yes/no for a yes-or-no indicator, else the number in the page's language. */
const valueText = (value: number, measure: unknown, lang: Lang) =>
  measure === 'boolean' ? (value >= 1 ? WORDS[lang].yes : WORDS[lang].no) : formatNumber(value, lang);

/** The words of the lake's own states and rules, as a page writes them (downloads keep the codes). */
const STATE_WORDS: Record<string, Record<string, [vi: string, en: string]>> = {
  status: { accepted: ['Đã nhận', 'Accepted'], rejected: ['Bị từ chối', 'Rejected'] },
  rule: { ratio: ['Tỷ lệ (tử số/mẫu số)', 'Share (numerator/denominator)'], boolean: ['Có/Không', 'Yes/no'] },
};

/** "steps 4:30;3:22.5": points by the value reached, as a person reads it ("Theo bậc: từ 4 → 30; từ 3 → 22,5"). */
function stepsText(text: string, lang: Lang): string {
  const steps = text.slice('steps '.length).split(';').map((s) => s.split(':').map(Number));
  if (steps.some((s) => s.length !== 2 || s.some((n) => !Number.isFinite(n)))) return text;
  const from = lang === 'vi' ? 'từ' : 'from';
  return `${lang === 'vi' ? 'Theo bậc' : 'By step'}: ${steps.map(([at, points]) => `${from} ${formatNumber(at!, lang)} → ${formatNumber(points!, lang)}`).join('; ')}`;
}

/** A JSON list the lake keeps in one cell (a file's periods, units, errors), written out for a person. */
function listText(value: string, column: string, lang: Lang): string | null {
  let list: unknown;
  try { list = JSON.parse(value); } catch { return null; }
  if (!Array.isArray(list)) return null;
  if (list.every((x) => typeof x === 'string')) return (list as string[]).map((x) => (CANONICAL_PERIOD.test(x) ? periodLabel(x, lang) : x)).join(', ');
  if (column !== 'errors') return null;
  // Errors: the first few by where they are, then how many more (the download has them all).
  const errors = list as { sheet?: string; row?: number; message?: string; message_en?: string }[];
  const shown = errors.slice(0, 3).map((e) => [e.row ? `${lang === 'vi' ? 'dòng' : 'row'} ${e.row}` : '', (lang === 'vi' ? e.message : e.message_en ?? e.message) ?? ''].filter(Boolean).join(': '));
  const more = errors.length - shown.length;
  return [...shown, ...(more > 0 ? [lang === 'vi' ? `… và ${formatNumber(more, lang)} lỗi khác` : `… and ${formatNumber(more, lang)} more`] : [])].join('; ');
}

export function cellText(value: Row[string], column: string, lang: Lang, localTime: (at: string) => string): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return value ? WORDS[lang].yes : WORDS[lang].no;
  // Counts and ranks grouped as numbers are (11.500), never with a decimal.
  if (typeof value === 'number') return formatNumber(value, lang);
  // The registry's open ends (0001-01-01, 9999-12-31) say "no limit": nothing to read.
  if (value === '0001-01-01' || value === '9999-12-31') return '–';
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDate(localTime(value));
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  if (column === 'period' && CANONICAL_PERIOD.test(value)) return periodLabel(value, lang);
  if (value === 'yes' || value === 'no') return value === 'yes' ? WORDS[lang].yes : WORDS[lang].no;
  const state = STATE_WORDS[column]?.[value];
  if (state) return state[lang === 'vi' ? 0 : 1];
  if (column === 'rule' && value.startsWith('steps ')) return stepsText(value, lang);
  if (value.startsWith('[')) return listText(value, column, lang) ?? value;
  return value;
}

/** Attainment class of a value against its target: the heat table's colours. */
export function attainment(value: number | null, target: number | null, direction = 'higher'): 'ok' | 'near' | 'low' | 'none' {
  if (value === null || target === null) return 'none';
  if (direction === 'higher' ? value >= target : value <= target) return 'ok';
  return target > 0 && value >= 0.8 * target ? 'near' : 'low';
}

export function legend(lang: Lang): Html {
  const w = WORDS[lang];
  return html`<div class="legend" aria-label="${lang === 'vi' ? 'Chú giải' : 'Legend'}"><span class="ok">${w.met}</span><span class="near">${w.near}</span><span class="low">${w.low}</span><span class="none">${w.none}</span><span class="na">${w.na}</span></div>`;
}

/** A value's meaning in words beside its colour: ✓ or ✗ (the SQL's `met`), or "not reported"; and its target. */
export function valueMarks(r: Row, lang: Lang): { symbol: string; target: string } {
  const w = WORDS[lang];
  const value = r.value as number | null;
  const target = r.target as number | null;
  const targetText = target === null ? '' : r.measure === 'boolean' ? `${w.needs} ${target >= 1 ? w.yes : w.no}` : `${w.target} ≥ ${formatNumber(target, lang)}`;
  if (value === null) return { symbol: w.notReported, target: targetText };
  const met = typeof r.met === 'boolean' ? r.met : attainment(value, target) === 'ok';
  return { symbol: met ? '✓' : '✗', target: targetText };
}

export function label(query: SavedQuery, column: string, lang: Lang): string {
  const meta = query.columns.find((c) => c.name === column);
  return meta ? meta[lang] : column;
}

/** A code column, and the column naming the same thing in words. */
const CODE_COLUMNS: Record<string, string> = { unit: 'unit_name', period: 'period_label', indicator_code: 'indicator_name', unit_type: 'unit_name', status_code: 'status', kind: 'message' };

/** The plain table of a result: every chart has its numbers beside it. */
/** Words for a status code on an English page (the saved queries write the Vietnamese one). */
const STATUS_EN: Record<string, string> = { on_time: 'On time', late: 'Late', missing: 'Not sent (overdue)', not_due: 'Not due yet', pending: 'Waiting for approval', returned: 'Returned' };

/** A cell as the page's language writes it: period labels and statuses in English on English pages. */
export function cellOf(r: Row, n: string, lang: Lang, localTime: (at: string) => string): string {
  if (lang === 'en' && n === 'period_label' && typeof r.period === 'string') return periodLabel(r.period, 'en');
  if (lang === 'en' && n === 'status' && typeof r.status_code === 'string' && STATUS_EN[r.status_code]) return STATUS_EN[r.status_code]!;
  return cellText(r[n] ?? null, n, lang, localTime);
}

export function dataTable(section: PageSection, rows: Row[], lang: Lang, hide: ReadonlySet<string> = new Set()): Html {
  const names = section.table.schema.fields.map((f) => f.name).filter((n) => !hide.has(n));
  if (rows.length === 0) return html`<p class="meta">${WORDS[lang].empty}</p>`;
  const numeric = new Set(names.filter((n) => rows.some((r) => typeof r[n] === 'number')));
  // Codes beside their names (unit beside unit_name, period beside period_label) stay for
  // analysts and print; a phone shows the names only.
  const codes = new Set(names.filter((n) => CODE_COLUMNS[n] && names.includes(CODE_COLUMNS[n]!)));
  const cls = (n: string) => [numeric.has(n) ? 'num' : '', codes.has(n) ? 'code' : ''].filter(Boolean).join(' ');
  // Focusable with a name: a keyboard can scroll a wide table (axe: scrollable-region-focusable).
  return html`<div class="scroll cards" tabindex="0" role="group" aria-label="${section.query.title[lang]}"><table class="cards" data-query="${section.query.name}">
<thead><tr>${names.map((n) => html`<th scope="col" class="${cls(n)}">${label(section.query, n, lang)}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${names.map((n) => html`<td class="${cls(n)}" data-col="${n}" data-label="${label(section.query, n, lang)}">${cellOf(r, n, lang, section.localTime)}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

/**
 * Units down, indicators across, each cell coloured by attainment of its target; headed by the
 * indicators' short names (never codes). On a phone the same numbers are a card per unit, every
 * indicator on its own line, so nothing needs scrolling sideways; CSS chooses which is shown.
 */
export function heatTable(section: PageSection, rows: Row[], lang: Lang, cards: (units: Row[], card: (u: Row) => Html) => Html = (units, card) => html`${units.map(card)}`): Html {
  const indicators = [...new Map(rows.map((r) => [r.indicator_code as string, r])).values()];
  const units = [...new Map(rows.map((r) => [r.unit as string, r])).values()];
  const byKey = new Map(rows.map((r) => [`${r.unit}|${r.indicator_code}`, r]));
  const short = (r: Row) => String((lang === 'vi' ? r.indicator_short_vi : r.indicator_short_en) ?? r.indicator_name);
  const cell = (u: Row, i: Row) => {
    const r = byKey.get(`${u.unit}|${i.indicator_code}`);
    if (!r) return null;
    const value = r.value as number | null;
    const text = value === null ? '–' : valueText(value, r.measure, lang);
    const marks = valueMarks(r, lang);
    return { cls: attainment(value, r.target as number | null), text, target: marks.target, marks: html`<span class="sym">${marks.symbol}</span><span class="tgt">${marks.target}</span>` };
  };
  return html`${legend(lang)}<div class="scroll heat-wide" tabindex="0" role="group" aria-label="${section.query.title[lang]}"><table class="heat" data-query="${section.query.name}">
<thead><tr><th scope="col">${label(section.query, 'unit_name', lang)}</th>${indicators.map((i) => html`<th scope="col" class="ind" title="${i.indicator_name}">${short(i)}</th>`)}</tr></thead>
<tbody>${units.map((u) => html`<tr data-unit="${u.unit}"><td class="unit">${u.unit_name}</td>${indicators.map((i) => {
    const c = cell(u, i);
    if (!c) return html`<td class="na"></td>`;
    const period = String(section.params.period ?? '');
    const text = section.provenanceUrl && c.text !== '–' ? html`<a href="${section.provenanceUrl(String(u.unit), period, String(i.indicator_code))}">${c.text}</a>` : c.text;
    const waiting = section.pending?.get(`${u.unit}|${i.indicator_code}`);
    if (waiting) {
      const shown = valueText(waiting.value, i.measure, lang);
      const word = waiting.approval === 'returned' ? WORDS[lang].returned : WORDS[lang].unapproved;
      return html`<td class="num ${c.cls} pending" data-indicator="${i.indicator_code}" data-pending="${shown}" title="${i.indicator_name}: ${word} ${shown}">${text}${c.marks} <span class="pending-mark">${word}: ${shown}</span></td>`;
    }
    const warning = section.warnings?.get(`${u.unit}|${i.indicator_code}`);
    if (warning) return html`<td class="num ${c.cls} warn" data-indicator="${i.indicator_code}" data-warning="${warning}" title="${i.indicator_name}: ${c.text} / ${c.target} — ⚠ ${warning}">${text}${c.marks} <span class="warn-mark" aria-label="${warning}">⚠</span></td>`;
    return html`<td class="num ${c.cls}" data-indicator="${i.indicator_code}" title="${i.indicator_name}: ${c.text} / ${c.target}">${text}${c.marks}</td>`;
  })}</tr>`)}</tbody>
</table></div>
<div class="heat-cards">${cards(units, (u) => html`<section class="unit-card" data-unit="${u.unit}"><h3>${u.unit_name}</h3><dl>${indicators.map((i) => {
    const c = cell(u, i);
    return c ? html`<div class="${c.cls}"><dt>${short(i)}</dt><dd>${c.text}${c.marks}</dd></div>` : '';
  })}</dl></section>`)}</div>`;
}

/** Widths a chart is drawn at: for a phone (its text stays at least 11 px there) and for a wider screen or paper. */
export const CHART_WIDTHS = { narrow: 340, wide: 900 } as const;

/** A chart drawn for the width it is shown at: the phone gets its own drawing, not a shrunk one. */
export function chartFigure(url: string, alt: string): Html {
  const sized = (w: number) => `${url}${url.includes('?') ? '&' : '?'}w=${w}`;
  return html`<figure class="chart"><picture><source media="(max-width: 640px)" srcset="${sized(CHART_WIDTHS.narrow)}"><img src="${sized(CHART_WIDTHS.wide)}" alt="${alt}"></picture></figure>`;
}

/** "Kỳ báo cáo: Quý IV/2024 · Tính đến ngày: 15/06/2025": a section's parameters as people write them. */
export function paramsLine(section: Pick<PageSection, 'query' | 'params' | 'unitName'>, lang: Lang): string {
  // A blank parameter (a text `unit` or a ranking `group`: every one) is left out, never "Nhóm xếp hạng: ";
  // a text `unit` is a unit too, by name.
  return Object.entries(section.params).filter(([, v]) => v !== '' && v !== null).map(([k, v]) => {
    const type = section.query.params.find((p) => p.name === k);
    const unit = (type?.type === 'unit' || (type?.type === 'text' && k === 'unit')) && section.unitName;
    const text = type?.type === 'period' ? periodLabel(String(v), lang) : type?.type === 'date' ? formatDate(String(v)) : unit ? section.unitName!(String(v)) : String(v);
    const name = type?.description[lang] ?? k;
    return `${unit ? (lang === 'vi' ? 'Đơn vị' : 'Unit') : name}: ${text}`;
  }).join(' · ');
}

/** What the registry says above a section's numbers; numbers resting on an event nobody has checked against its document say so. */
export function sectionNotes(section: PageSection, rows: Row[], lang: Lang): string[] {
  const unverified = rows.some((r) => r.verified === 'no' || String(r.registry_status ?? '').includes('chưa xác minh'));
  return [...(section.notes ?? []), ...(unverified && !(section.notes ?? []).length ? [WORDS[lang].unverified] : [])];
}

/** Analysts' pages name things in words; codes, types and internal states stay in the downloads. */
function codesOnPage(names: string[], lang: Lang): Set<string> {
  const has = (n: string) => names.includes(n);
  return new Set([
    ...Object.entries(CODE_COLUMNS).filter(([code, name]) => code !== 'unit_type' && has(name)).map(([code]) => code),
    'unit_type', 'measure', 'indicator_short_vi', 'indicator_short_en', 'submission_id',
    ...(has('message') && has('message_en') ? [lang === 'vi' ? 'message_en' : 'message'] : []),
  ]);
}

export function renderSection(section: PageSection, lang: Lang, headingLevel: 1 | 2): Html {
  const rows = toRows(section.table) as Row[];
  const q = section.query;
  const heading = section.title ?? q.title[lang];
  const title = headingLevel === 1 ? html`<h1>${heading}</h1>` : html`<h2>${heading}</h2>`;
  const params = paramsLine(section, lang);
  const body = q.chart.type === 'heatmap'
    ? heatTable(section, rows, lang)
    : html`${section.chartUrl && rows.length ? chartFigure(section.chartUrl, `${WORDS[lang].chartAlt}: ${q.title[lang]}`) : ''}${dataTable(section, rows, lang, codesOnPage(section.table.schema.fields.map((f) => f.name), lang))}`;
  const notes = sectionNotes(section, rows, lang);
  const viCsv = `${section.downloads.csv}${section.downloads.csv.includes('?') ? '&' : '?'}excel=vi`;
  return html`<section data-section="${q.name}">${title}<p class="meta">${params}</p>${notes.map((n) => html`<p class="registry-note" role="note">${n}</p>`)}${body}
<p class="downloads"><a href="${section.downloads.xlsx}" download>${WORDS[lang].download} Excel (.xlsx)</a><a href="${section.downloads.csv}" download>${WORDS[lang].download} CSV</a><a href="${viCsv}" download>${lang === 'vi' ? 'CSV cho Excel tiếng Việt (dấu ;)' : 'CSV for Vietnamese Excel (;)'}</a></p></section>`;
}

export interface PageFrame {
  lang: Lang;
  title: string;
  /** The same page in the other language; null where the page exists in Vietnamese only (no link that leads back to it). */
  otherLangUrl: string | null;
  footer?: string;
  /** The registry version the numbers were read with. */
  registryVersion?: string;
  /** Where the brand leads (the person's own start page); none: the brand is plain text. */
  home?: string;
  /** A signed-in page: the header offers "Đăng xuất" (/logout), for shared office computers. */
  signOut?: boolean;
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
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<header class="top">${frame.home ? html`<a class="brand" href="${frame.home}">chiso · chỉ số chuyển đổi số</a>` : html`<span class="brand">chiso · chỉ số chuyển đổi số</span>`}<nav class="lang">${frame.otherLangUrl === null ? '' : html`<a href="${frame.otherLangUrl}" hreflang="${frame.lang === 'vi' ? 'en' : 'vi'}">${other}</a>`}${frame.signOut ? html`<a class="sign-out" href="/logout">${frame.lang === 'vi' ? 'Đăng xuất' : 'Sign out'}</a>` : ''}</nav></header>
<main>${content}</main>
<footer>${frame.footer ?? ''}${frame.registryVersion ? html`<span class="registry-version">${frame.lang === 'vi' ? 'Danh mục đơn vị' : 'Registry'}: ${frame.registryVersion}</span>` : ''}</footer>
</body>
</html>`;
}

/** A page for a refusal: a tampered link, an expired one, a missing login. Plain, no details. */
/** A notice; to a signed-in person (`home`: their own start page) with the way back and sign-out, never a dead end. */
export function renderNotice(lang: Lang, title: string, message: string, home?: string): Html {
  const back = home ? html`<p class="back"><a href="${home}">${lang === 'vi' ? 'Về trang của bạn' : 'Back to your page'}</a></p>` : '';
  return renderPage({ lang, title, otherLangUrl: '?lang=' + (lang === 'vi' ? 'en' : 'vi'), ...(home ? { home, signOut: true } : {}) }, html`<div class="notice" role="alert"><h1>${title}</h1><p>${message}</p>${back}</div>`);
}

export { raw };
