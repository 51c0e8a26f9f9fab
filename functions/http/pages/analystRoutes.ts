import type { Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import { renderSVG } from 'uqr';
import { outboxEntries } from '../../services/reminders.ts';
import { CANONICAL_PERIOD, periodEnd, shiftPeriod } from '../../domain/ingest/parsePeriod.ts';
import { lakeKeys } from '../../domain/lakeKeys.ts';
import { addDays } from '../../domain/dates.ts';
import { InvalidParamsError, resolveParams, type ParamProblem, type ParamValue } from '../../domain/queries/resolveParams.ts';
import { audienceAdmits, audienceRefusal, type SavedQuery } from '../../domain/queries/savedQueries.ts';
import type { Unit } from '../../domain/types.ts';
import { storedResult } from '../../services/ingestFile.ts';
import { analystOrAnswer, pageAnalyst } from '../auth.ts';
import { publicOrigin, sameOrigin, type Env, type HttpDeps } from '../context.ts';
import { createLeaderLink, leaderRefusal, linkStatus, revokeLeaderLink } from '../../services/leaderLinks.ts';
import { toRows } from '../render.ts';
import { chartResponse, downloadResponse, sectionsFor } from './pageSections.ts';
import { formatDate, formatNumber, langOf, linkParamsText, periodLabel, renderNotice, renderPage, renderSection, titleFor, type Lang } from './renderPages.ts';

const EXPIRY_DAYS = [7, 30, 90, 365];

/** What each page answers, in plain words (the saved queries' own descriptions are for the record). */
const PLAIN: Record<string, [string, string]> = {
  district_scorecard: ['Mỗi đơn vị với từng chỉ số trong kỳ: đạt hay chưa đạt chỉ tiêu; kèm xu hướng, xếp hạng và đơn vị chưa nộp.', 'Every unit against every indicator for one period: target met or not, with the trend, the rankings and who has not reported.'],
  province_scorecard: ['Mỗi chỉ số tính chung cho mọi đơn vị trong kỳ, so với chỉ tiêu.', 'Each indicator over all units together for one period, against its target.'],
  unit_report: ['Một đơn vị trong một kỳ: từng chỉ số, chỉ tiêu, kỳ trước, tử số và mẫu số.', 'One unit in one period: each indicator with its target, the previous period and its counts.'],
  unit_ranking: ['Các đơn vị xếp theo tỷ lệ chỉ số đạt chỉ tiêu trong kỳ.', 'Units ranked by the share of their indicators that met the target.'],
  district_trend: ['Tỷ lệ chỉ tiêu đạt và số đơn vị báo cáo qua các kỳ.', 'The share of targets met and the units reporting, period by period.'],
  indicator_trend: ['Một chỉ số qua các kỳ, tính chung mọi đơn vị.', 'One indicator over periods, for all units together.'],
  unit_trend: ['Một chỉ số của một đơn vị qua các kỳ, cộng cả số liệu các đơn vị đã sáp nhập vào.', 'One unit\'s indicator over periods, with the units merged into it added in.'],
  dti_ranking: ['Các đơn vị xếp theo điểm chuyển đổi số (thang 1.000), so với kỳ trước và với điểm tự chấm.', 'Units ranked by digital-transformation points (of 1,000), against the previous period and their own assessment.'],
  unit_scorecard: ['Điểm từng chỉ số thành phần của một đơn vị: tự chấm, thẩm định, điểm tối đa, tài liệu kiểm chứng.', 'One unit\'s points per component: self-assessed, appraised, the maximum, the evidence.'],
  dti_trend: ['Tổng điểm chuyển đổi số của một đơn vị qua các kỳ, kể cả qua sáp nhập.', 'One unit\'s total points over periods, across mergers.'],
  missing_submissions: ['Đơn vị chưa nộp báo cáo của kỳ, và đã quá hạn bao nhiêu ngày.', 'Units that have not sent the period\'s report, and how many days overdue.'],
  reporting_timeliness: ['Mỗi đơn vị: nộp đúng hạn, trễ bao nhiêu ngày, hay chưa nộp.', 'Each unit: on time, how many days late, or not sent.'],
  timeliness_trend: ['Bao nhiêu đơn vị nộp đúng hạn, qua các kỳ.', 'How many units reported on time, period by period.'],
  quality_warnings: ['Số liệu nên xem lại: thay đổi lớn so với kỳ trước, khác xa các đơn vị khác; kèm giải trình của đơn vị.', 'Figures worth a second look: big changes since the last period, far from other units; with the unit\'s explanation.'],
  pending_warnings: ['Cảnh báo số liệu của một đơn vị kể cả số liệu đang chờ lãnh đạo đơn vị duyệt: chỉ chuyên viên xem, không chia sẻ.', 'A unit\'s quality warnings, its values waiting for its head\'s approval included: analysts only, never shared.'],
  approval_queue: ['Các tệp một lãnh đạo đơn vị cần duyệt, với quyết định đã có.', 'The files a unit\'s head has to decide, with the decisions made.'],
  submission_decisions: ['Lãnh đạo từng đơn vị đã duyệt hay trả lại một tệp.', 'Whether each unit\'s head approved or returned a file.'],
  unit_values: ['Giá trị đang dùng của từng chỉ số của một đơn vị trong một kỳ.', 'The value in use of each indicator of a unit for a period.'],
  periods_with_data: ['Các kỳ có số liệu và các đơn vị đã báo cáo mỗi kỳ.', 'The periods with data and the units that reported each.'],
  unit_periods: ['Các kỳ một đơn vị phải báo cáo: đã nộp, chờ duyệt, bị trả lại hay quá hạn, với hạn nộp.', 'The periods a unit must report: sent, awaiting approval, returned or overdue, with deadlines.'],
  unit_submissions: ['Các tệp một đơn vị đã gửi: kết quả, số giá trị và quyết định của lãnh đạo đơn vị.', 'The files a unit sent: the outcome, the values and its head\'s decision.'],
  approval_log: ['Lãnh đạo đơn vị đã duyệt hay trả lại báo cáo nào, khi nào, vì sao.', 'Which reports units\' heads approved or returned, when and why.'],
  submission_log: ['Mọi tệp đã nhận trong khoảng ngày: được chấp nhận hay bị từ chối, và vì sao.', 'Every file received between two dates: accepted or rejected, and why.'],
  pending_values: ['Số liệu đơn vị đã gửi nhưng lãnh đạo đơn vị chưa duyệt hoặc đã trả lại: chỉ chuyên viên xem, không chia sẻ cho lãnh đạo.', 'Values units sent that their head has not approved yet, or returned: for analysts only, never shared with a leader.'],
  value_provenance: ['Mọi lần báo cáo một số liệu: tệp, dòng, người gửi, kể cả bản chờ duyệt; chỉ chuyên viên xem.', 'Every time a number was reported: the file, the row, who sent it, pending ones too; for analysts only.'],
  unit_registry: ['Danh sách đơn vị báo cáo tại một ngày, kể cả đơn vị đã giải thể, sáp nhập.', 'The reporting units on a given day, including those that ceased or merged.'],
};

/** /q's groups, in the order an analyst asks; a saved query added later lands in "Khác". */
const GROUPS: { vi: string; en: string; names: string[] }[] = [
  { vi: 'Bảng điểm và xu hướng', en: 'Scorecards and trends', names: ['district_scorecard', 'province_scorecard', 'unit_report', 'unit_ranking', 'district_trend', 'indicator_trend', 'unit_trend'] },
  { vi: 'Chỉ số chuyển đổi số (DTI)', en: 'Digital-transformation index (DTI)', names: ['dti_ranking', 'unit_scorecard', 'dti_trend'] },
  { vi: 'Kỳ báo cáo: ai nộp, ai trễ, số liệu cần xem lại', en: 'The reporting cycle: who sent, who is late, what to check', names: ['missing_submissions', 'reporting_timeliness', 'timeliness_trend', 'quality_warnings', 'pending_warnings', 'approval_log', 'approval_queue', 'submission_decisions', 'pending_values', 'unit_periods', 'unit_submissions'] },
  { vi: 'Dữ liệu', en: 'Data', names: ['submission_log', 'unit_registry', 'unit_values', 'value_provenance', 'periods_with_data'] },
];

/**
 * The province's DTI work beside the queries (pages of their own, in Vietnamese, the language of
 * the decisions): publishing results and reconciling them (analysts and administrators), and
 * appraising self-assessments (appraisers, and analysts, who hold that right too: appraisalRoutes).
 */
const DTI_PAGES: { path: string; vi: [string, string]; en: [string, string]; for: readonly string[] }[] = [
  { path: '/tham-dinh', vi: ['Thẩm định điểm tự chấm', 'Xem điểm các đơn vị tự chấm, đặt điểm thẩm định và ghi lý do.'], en: ['Appraise self-assessments', 'The units\' own points: set the appraised points and say why (in Vietnamese).'], for: ['analyst', 'appraiser'] },
  { path: '/cong-bo', vi: ['Công bố kết quả', 'Công bố điểm chuyển đổi số của kỳ theo quyết định, kèm phụ lục PDF và Excel.'], en: ['Publish results', 'Publish a period\'s points under a decision, with its annex as PDF and Excel (in Vietnamese).'], for: ['analyst', 'admin'] },
  { path: '/doi-chieu', vi: ['Đối chiếu với kết quả đã công bố', 'Tải lên bảng kết quả chính thức để so với điểm tính từ dữ liệu.'], en: ['Reconcile with published results', 'Upload an official results table to compare with the points computed from the data (in Vietnamese).'], for: ['analyst', 'admin'] },
];

/** Words of the analyst's pages. */
const T = {
  vi: { show: 'Xem', chooseUnit: 'Chọn đơn vị', ceased: 'Đơn vị đã thôi hoạt động', latest: 'Kỳ mới nhất có số liệu', links: 'Liên kết đã tạo', linksWhat: 'Các liên kết đã chia sẻ cho lãnh đạo: còn hiệu lực, hết hạn, thu hồi.', outbox: 'Nhắc nhở đã gửi', outboxWhat: 'Thư nhắc các đơn vị chưa nộp báo cáo.', other: 'Khác', invalid: 'Tham số không hợp lệ', revoke: 'Thu hồi…', revokeSure: 'Thu hồi hẳn liên kết này', revokeWhat: 'Lãnh đạo mở liên kết sẽ thấy "đã thu hồi". Không thể hoàn tác.', keep: 'Giữ lại', confirmTitle: 'Thu hồi liên kết?', noData: 'chưa có số liệu', allUnits: 'Mọi đơn vị' },
  en: { show: 'Show', chooseUnit: 'Choose a unit', ceased: 'Units no longer in operation', latest: 'Latest period with data', links: 'Links made', linksWhat: 'The links shared with leaders: active, expired, revoked.', outbox: 'Reminders sent', outboxWhat: 'Reminders to units that have not reported.', other: 'Other', invalid: 'Invalid parameters', revoke: 'Revoke…', revokeSure: 'Revoke this link for good', revokeWhat: 'A leader who opens it will see "revoked". This cannot be undone.', keep: 'Keep it', confirmTitle: 'Revoke the link?', noData: 'no data yet', allUnits: 'All units' },
};

/** Query-string keys of a page that are not the query's parameters. */
const PAGE_KEYS = ['lang', 'w', 'headers', 'excel'];

/** A unit's name for a picker: its years when another unit has the same name (Xã Liên Châu before and after 2025). */
function unitLabel(u: Unit, units: readonly Unit[], lang: Lang): string {
  const name = lang === 'en' && u.nameEn ? u.nameEn : u.nameVi;
  if (!units.some((o) => o !== u && o.nameVi === u.nameVi)) return name;
  const from = u.validFrom ? formatDate(u.validFrom) : '';
  const to = u.validTo ? formatDate(u.validTo) : '';
  return `${name} (${from || '…'} – ${to || (lang === 'vi' ? 'nay' : 'now')})`;
}

/** The analyst's way to her links, at the top of her pages. */
const linksNav = (lang: Lang) => html`<nav class="actions"><a href="/q">${lang === 'vi' ? 'Các truy vấn' : 'Queries'}</a><a href="/q/links">${lang === 'vi' ? 'Liên kết đã tạo' : 'Links made'}</a><a href="/q/outbox">${lang === 'vi' ? 'Nhắc nhở đã gửi' : 'Reminders sent'}</a></nav>`;

/** "Chia sẻ cho lãnh đạo": a plain form (no script) that makes a signed link of this page. */
function shareForm(action: string, lang: Lang) {
  const label = (d: number) => (lang === 'vi' ? (d === 365 ? '1 năm' : `${d} ngày`) : (d === 365 ? '1 year' : `${d} days`));
  return html`<section class="share"><h2>${lang === 'vi' ? 'Chia sẻ cho lãnh đạo' : 'Share with a leader'}</h2>
<form method="post" action="${action}">
<label>${lang === 'vi' ? 'Cho ai (ghi chú)' : 'For whom (note)'}<input type="text" name="note" maxlength="200" placeholder="${lang === 'vi' ? 'VD: Chủ tịch UBND xã' : 'e.g. the commune chair'}"></label>
<label>${lang === 'vi' ? 'Hiệu lực' : 'Valid for'}<select name="days">${EXPIRY_DAYS.map((d) => html`<option value="${d}"${d === 30 ? raw(' selected') : ''}>${label(d)}</option>`)}</select></label>
<button type="submit">${lang === 'vi' ? 'Tạo liên kết' : 'Make the link'}</button></form></section>`;
}

/** Analysts' pages behind their token (a header, or the session /login opened): queries, links, reminders sent, provenance. */
export function registerAnalystRoutes(app: Hono<Env>, deps: HttpDeps): void {
  /** Analysts see a value's quality warning (and the unit's explanation) beside it: unit|indicator → text. */
  async function warningsOf(period: string): Promise<Map<string, string>> {
    const query = deps.queries.get('quality_warnings');
    if (!query) return new Map();
    const rows = toRows((await deps.runner.run(query, { period })).table);
    const byValue = new Map<string, string>();
    for (const w of rows) {
      if (!w.indicator_code) continue;
      const key = `${w.unit}|${w.indicator_code}`;
      const text = `${w.message}${w.explanation ? ` — giải trình: ${w.explanation}` : ' — chưa giải trình'}`;
      byValue.set(key, byValue.has(key) ? `${byValue.get(key)}; ${text}` : text);
    }
    return byValue;
  }

  /** Values waiting for their unit head's approval (analysts see them marked; leaders do not): unit|indicator → value. */
  async function pendingOf(period: string): Promise<Map<string, { value: number; approval: string }>> {
    // sql/pending_values.sql is for analysts only (its `audience`): never in a leader's link, nor the API of other roles.
    const rows = toRows((await deps.runner.run(savedQuery('pending_values'), { period, unit: '' })).table);
    return new Map(rows.map((r) => [`${r.unit}|${r.indicator_code}`, { value: Number(r.value), approval: String(r.status_code) }]));
  }

  /** A saved query these pages need: shipped in sql/, so missing is a broken deployment. */
  function savedQuery(name: string): SavedQuery {
    const query = deps.queries.get(name);
    if (!query) throw new Error(`saved query ${name} is missing from sql/`);
    return query;
  }


  /** The periods that have data (newest first) and the units that reported each, read once per lake version. */
  let known: { version: string; periods: string[]; units: Map<string, Set<string>> } | null = null;
  async function withData() {
    const version = await deps.runner.lakeVersion();
    if (known?.version === version) return known;
    const query = deps.queries.get('periods_with_data');
    const rows = query ? toRows((await deps.runner.run(query, {})).table) : [];
    const units = new Map<string, Set<string>>();
    for (const r of rows) {
      const period = String(r.period);
      if (!CANONICAL_PERIOD.test(period)) continue;
      if (!units.has(period)) units.set(period, new Set());
      units.get(period)!.add(String(r.unit));
    }
    const periods = [...units.keys()].sort((a, b) => periodEnd(b).localeCompare(periodEnd(a)) || b.localeCompare(a));
    known = { version, periods, units };
    return known;
  }

  /**
   * A page's parameters where the URL leaves them out: the latest period with data (the trend's
   * eight periods up to it), a unit that reported then, the first indicator, dates up to today.
   * So no bare /q/<name> is an error; the form on the page shows what was chosen.
   */
  async function withDefaults(query: SavedQuery, given: Record<string, string>): Promise<Record<string, string>> {
    const out = { ...given };
    const missing = query.params.filter((p) => (out[p.name] === undefined || out[p.name] === '') && p.default === null);
    if (missing.length === 0) return out;
    const data = await withData();
    const latest = (out.to && CANONICAL_PERIOD.test(out.to) ? out.to : out.period && CANONICAL_PERIOD.test(out.period) ? out.period : data.periods[0]) ?? null;
    const today = deps.today();
    for (const p of missing) {
      if (p.type === 'period' && latest) out[p.name] = p.name === 'from' ? shiftPeriod(latest, -7) : latest;
      else if (p.type === 'date') out[p.name] = p.name === 'from' ? addDays(today, -90) : today;
      else if (p.type === 'indicator') out[p.name] = deps.catalog.catalog.indicators[0]?.code ?? '';
      else if (p.type === 'unit') {
        const reported = latest ? data.units.get(latest) : undefined;
        const reporting = deps.catalog.catalog.units.filter((u) => reported?.has(u.code));
        const candidates = reporting.length ? reporting : deps.catalog.catalog.units.filter((u) => !u.validTo || u.validTo >= today);
        const first = [...(candidates.length ? candidates : deps.catalog.catalog.units)].sort((a, b) => a.nameVi.localeCompare(b.nameVi, 'vi'))[0];
        if (first) out[p.name] = first.code;
      }
    }
    return out;
  }

  /** A unit parameter, or a text one named `unit` whose blank means every unit: picked by name, never typed as a code. */
  const isUnitPicker = (p: SavedQuery['params'][number]) => p.type === 'unit' || (p.type === 'text' && p.name === 'unit');

  /** The form every query page opens with: a picker per parameter (periods with data, units by name), prefilled. */
  function paramForm(query: SavedQuery, values: Record<string, string>, periods: string[], lang: Lang, problems: ParamProblem[] = []) {
    if (query.params.length === 0) return '';
    const units = deps.catalog.catalog.units;
    const today = deps.today();
    const selected = (on: boolean) => (on ? raw(' selected') : '');
    const field = (p: SavedQuery['params'][number]) => {
      const value = values[p.name] ?? '';
      const id = `p-${p.name}`;
      const problem = problems.find((x) => x.param === p.name);
      const describedBy = problem ? raw(` aria-invalid="true" aria-describedby="${id}-err"`) : '';
      let input;
      if (p.type === 'period') {
        const list = periods.includes(value) || !value ? periods : [value, ...periods];
        input = html`<select id="${id}" name="${p.name}"${describedBy}>${list.map((x) => html`<option value="${x}"${selected(x === value)}>${periodLabel(x, lang)}</option>`)}</select>`;
      } else if (isUnitPicker(p)) {
        const byName = [...units].sort((a, b) => a.nameVi.localeCompare(b.nameVi, 'vi'));
        const current = byName.filter((u) => !u.validTo || u.validTo >= today);
        const ceased = byName.filter((u) => u.validTo && u.validTo < today);
        const option = (u: Unit) => html`<option value="${u.code}"${selected(u.code === value)}>${unitLabel(u, units, lang)}</option>`;
        // A text `unit` may be left blank, meaning what its description says: "(để trống là mọi đơn vị)".
        const blankMeans = /\((?:để trống là|blank for) ([^)]+)\)/.exec(p.description[lang])?.[1] ?? T[lang].allUnits;
        const blank = p.type === 'text' ? html`<option value=""${selected(!value)}>${blankMeans.charAt(0).toUpperCase() + blankMeans.slice(1)}</option>` : value ? '' : html`<option value="">${T[lang].chooseUnit}</option>`;
        input = html`<select id="${id}" name="${p.name}"${describedBy}>${blank}${current.map(option)}${ceased.length ? html`<optgroup label="${T[lang].ceased}">${ceased.map(option)}</optgroup>` : ''}</select>`;
      } else if (p.type === 'indicator') {
        input = html`<select id="${id}" name="${p.name}"${describedBy}>${deps.catalog.catalog.indicators.map((i) => html`<option value="${i.code}"${selected(i.code === value)}>${lang === 'vi' ? i.nameVi : i.nameEn}</option>`)}</select>`;
      } else if (p.allowed) {
        input = html`<select id="${id}" name="${p.name}"${describedBy}>${p.allowed.map((a) => html`<option value="${a}"${selected(String(a) === value)}>${a}</option>`)}</select>`;
      } else {
        const type = p.type === 'date' ? 'date' : p.type === 'integer' ? 'number' : 'text';
        input = html`<input id="${id}" type="${type}" name="${p.name}" value="${value}"${describedBy}>`;
      }
      const name = isUnitPicker(p) ? (lang === 'vi' ? 'Đơn vị' : 'Unit') : p.type === 'indicator' ? (lang === 'vi' ? 'Chỉ số' : 'Indicator') : p.description[lang];
      return html`<div class="field${isUnitPicker(p) || p.type === 'indicator' ? ' wide' : ''}"><label for="${id}">${name}</label>${input}${problem ? html`<p class="field-error" id="${id}-err" role="alert">${lang === 'vi' ? problem.message_vi : problem.message_en}</p>` : ''}</div>`;
    };
    return html`<form class="params" method="get" action="/q/${query.name}">${query.params.map(field)}${lang === 'en' ? html`<input type="hidden" name="lang" value="en">` : ''}<button type="submit">${T[lang].show}</button></form>`;
  }

  app.get('/q', async (c) => {
    const who = await analystOrAnswer(c, deps, '/q');
    if (who instanceof Response) return who;
    const lang = langOf(c);
    const data = await withData();
    const latest = data.periods[0];
    const grouped = new Set(GROUPS.flatMap((g) => g.names));
    const others = [...deps.queries.keys()].filter((n) => !grouped.has(n));
    const card = (name: string) => {
      const q = deps.queries.get(name);
      // A query for other roles (admin_audit: administrators) has no card here.
      if (!q || !audienceAdmits(q, 'analyst')) return '';
      const byPeriod = !!latest && q.params.some((p) => p.name === 'period' && p.type === 'period');
      const search = new URLSearchParams([...(byPeriod ? [['period', latest!]] : []), ...(lang === 'en' ? [['lang', 'en']] : [])]);
      const href = `/q/${name}${search.size ? `?${search}` : ''}`;
      const about = PLAIN[name]?.[lang === 'vi' ? 0 : 1] ?? q.description[lang].split(/(?<=\.)\s/)[0];
      const title = byPeriod ? titleFor(q, { period: latest }, deps.catalog.catalog.units, lang) : q.title[lang];
      return html`<li class="qcard" data-query="${name}"><a href="${href}"><span class="qtitle">${title}</span><span class="qdesc">${about}</span>${byPeriod ? html`<span class="qperiod">${periodLabel(latest!, lang)}</span>` : ''}</a></li>`;
    };
    const tool = (page: 'links' | 'outbox') => html`<li class="qcard" data-page="${page}"><a href="/q/${page}${lang === 'en' ? '?lang=en' : ''}"><span class="qtitle">${T[lang][page]}</span><span class="qdesc">${T[lang][page === 'links' ? 'linksWhat' : 'outboxWhat']}</span></a></li>`;
    const dtiPage = (p: (typeof DTI_PAGES)[number]) => (p.for.includes(who.role) ? html`<li class="qcard" data-page="${p.path.slice(1)}"><a href="${p.path}"${lang === 'en' ? raw(' hreflang="vi"') : ''}><span class="qtitle">${p[lang][0]}</span><span class="qdesc">${p[lang][1]}</span></a></li>` : '');
    const group = (title: string, items: unknown[]) => html`<section class="qgroup"><h2>${title}</h2><ul class="qcards">${items}</ul></section>`;
    return c.html(renderPage({ home: '/q', signOut: true, lang, title: lang === 'vi' ? 'Truy vấn' : 'Queries', otherLangUrl: `/q?lang=${lang === 'vi' ? 'en' : 'vi'}` }, html`
${linksNav(lang)}<h1>${lang === 'vi' ? 'Số liệu chuyển đổi số' : 'Digital-transformation figures'}</h1>
<p class="meta">${T[lang].latest}: ${latest ? periodLabel(latest, lang) : T[lang].noData}</p>
${GROUPS.map((g, i) => group(g[lang], [...g.names.map(card), ...(g.names.includes('dti_ranking') ? DTI_PAGES.map(dtiPage) : []), ...(i === GROUPS.length - 1 ? [tool('links'), tool('outbox')] : [])]))}
${others.some((n) => audienceAdmits(deps.queries.get(n)!, 'analyst')) ? group(T[lang].other, others.map(card)) : ''}`));
  });

  type Checked = { query: SavedQuery; params: Record<string, ParamValue>; given: Record<string, string> };
  type Refused = { query: SavedQuery; problems: ParamProblem[]; given: Record<string, string> };

  async function analystQuery(c: Context): Promise<{ response: Response } | Checked | Refused> {
    const who = await analystOrAnswer(c, deps, c.req.path + '?' + new URL(c.req.url).searchParams);
    if (who instanceof Response) return { response: who };
    const query = deps.queries.get(c.req.param('name')!);
    if (!query) return { response: await c.html(renderNotice(langOf(c), 'Không tìm thấy / Not found', c.req.param('name')!), 404) };
    if (!audienceAdmits(query, who.role)) return { response: await c.html(renderNotice(langOf(c), langOf(c) === 'vi' ? 'Không được phép' : 'Forbidden', audienceRefusal(query)[langOf(c)]), 403) };
    const given: Record<string, string> = { ...c.req.query() };
    for (const k of PAGE_KEYS) delete given[k];
    const filled = await withDefaults(query, given);
    try {
      return { query, params: resolveParams(query, filled, deps.catalog, deps.today()), given: filled };
    } catch (error) {
      if (!(error instanceof InvalidParamsError)) throw error;
      return { query, problems: error.problems, given: filled };
    }
  }

  /** A route that needs the parameters checked (a chart, a download, sharing): a bad one is a plain 400. */
  async function checkedQuery(c: Context): Promise<{ response: Response } | Checked> {
    const r = await analystQuery(c);
    if ('problems' in r) {
      const lang = langOf(c);
      return { response: await c.html(renderNotice(lang, T[lang].invalid, r.problems.map((p) => `${p.param}: ${lang === 'vi' ? p.message_vi : p.message_en}`).join('; ')), 400) };
    }
    return r;
  }

  // The reminders sent to units (locally the outbox folder is their delivery; on AWS, SES).
  app.get('/q/outbox', async (c) => {
    const who = await analystOrAnswer(c, deps, '/q/outbox');
    if (who instanceof Response) return who;
    const lang = langOf(c);
    const entries = await outboxEntries(deps.store);
    const W = lang === 'vi'
      ? { title: 'Nhắc nhở đã gửi', none: 'Chưa có nhắc nhở nào.', when: 'Lúc', unit: 'Đơn vị', period: 'Kỳ', subject: 'Nội dung', to: 'Gửi tới', status: 'Trạng thái', noAddress: 'chưa có địa chỉ thư (chỉ lưu ở đây)', sent: 'Đã gửi', failed: 'Lỗi, sẽ gửi lại', pending: 'Đang gửi' }
      : { title: 'Reminders sent', none: 'No reminders yet.', when: 'When', unit: 'Unit', period: 'Period', subject: 'Message', to: 'To', status: 'Status', noAddress: 'no e-mail address (kept here only)', sent: 'Sent', failed: 'Failed, will retry', pending: 'Sending' };
    return c.html(renderPage({ home: '/q', signOut: true, lang, title: W.title, otherLangUrl: `/q/outbox?lang=${lang === 'vi' ? 'en' : 'vi'}` }, html`
${linksNav(lang)}<h1>${W.title}</h1>
${entries.length === 0 ? html`<p class="meta">${W.none}</p>` : html`<div class="scroll cards" tabindex="0" role="group" aria-label="${W.title}"><table class="cards outbox"><thead><tr><th>${W.when}</th><th>${W.unit}</th><th>${W.period}</th><th>${W.subject}</th><th>${W.to}</th><th>${W.status}</th></tr></thead>
<tbody>${entries.map((e) => html`<tr data-key="${e.reminder.key}"><td data-label="${W.when}">${deps.localTime(e.claimed_at)}</td><td data-label="${W.unit}">${e.reminder.unit_name}</td><td data-label="${W.period}">${e.reminder.period}</td><td data-label="${W.subject}">${e.reminder.subject}</td><td data-label="${W.to}">${e.reminder.to.length ? e.reminder.to.join(', ') : W.noAddress}</td><td data-label="${W.status}">${e.delivered_at ? W.sent : e.error ? W.failed : W.pending}</td></tr>`)}</tbody></table></div>`}`));
  });

  app.get('/q/links', async (c) => {
    const who = await analystOrAnswer(c, deps, '/q/links');
    if (who instanceof Response) return who;
    const lang = langOf(c);
    const now = deps.now();
    const mine = (await deps.links.listBy(who.id)).reverse();
    const STATUS = { active: ['Còn hiệu lực', 'Active'], expired: ['Hết hạn', 'Expired'], revoked: ['Đã thu hồi', 'Revoked'] } as const;
    const W = lang === 'vi'
      ? { report: 'Báo cáo', for: 'Cho', made: 'Tạo lúc', expires: 'Hết hạn', status: 'Trạng thái', action: 'Thao tác' }
      : { report: 'Report', for: 'For', made: 'Made', expires: 'Expires', status: 'Status', action: 'Action' };
    return c.html(renderPage({ home: '/q', signOut: true, lang, title: lang === 'vi' ? 'Liên kết đã tạo' : 'Links made', otherLangUrl: `/q/links?lang=${lang === 'vi' ? 'en' : 'vi'}` }, html`
${linksNav(lang)}<h1>${lang === 'vi' ? 'Liên kết đã tạo' : 'Links made'}</h1>
${mine.length === 0 ? html`<p class="meta">${lang === 'vi' ? 'Chưa có liên kết nào.' : 'No links yet.'}</p>` : ''}
<div class="scroll cards" tabindex="0" role="group" aria-label="${lang === 'vi' ? 'Liên kết đã tạo' : 'Links made'}"><table class="links cards"><thead><tr><th>${W.report}</th><th>${W.for}</th><th>${W.made}</th><th>${W.expires}</th><th>${W.status}</th><th><span class="visually-hidden">${W.action}</span></th></tr></thead>
<tbody>${mine.map((l) => {
    const status = linkStatus(l, now);
    const q = deps.queries.get(l.query);
    return html`<tr data-link="${l.id}"><td data-label="${W.report}"><a href="${l.url}">${q ? q.title[lang] : l.query}</a><br><span class="meta">${paramsText(q, l.params, lang)}</span></td><td data-label="${W.for}">${l.note ?? ''}</td><td data-label="${W.made}">${formatDate(deps.localTime(l.created_at))}</td><td data-label="${W.expires}">${formatDate(deps.localTime(l.exp * 1000).slice(0, 10))}</td><td data-label="${W.status}" class="status ${status}">${STATUS[status][lang === 'vi' ? 0 : 1]}</td>
<td class="revoke">${status === 'active' ? revokeConfirm(l.id, lang) : ''}</td></tr>`;
  })}</tbody></table></div>`));
  });

  /** A revoke asks first: the button opens a confirmation in place (<details>, no script); the POST carries confirm=1. */
  function revokeConfirm(id: string, lang: Lang) {
    return html`<details class="confirm-revoke"><summary>${T[lang].revoke}</summary><p>${T[lang].revokeWhat}</p><form method="post" action="/q/links/${id}/revoke${lang === 'en' ? '?lang=en' : ''}"><input type="hidden" name="confirm" value="1"><button type="submit" class="danger">${T[lang].revokeSure}</button></form></details>`;
  }

  const paramsText = (query: SavedQuery | undefined, params: Record<string, ParamValue>, lang: Lang) => linkParamsText(query, params, deps.catalog.catalog, lang);

  /** Where did this number come from: every value stated for a unit, period and indicator, newest first. */
  app.get('/q/provenance', async (c) => {
    const who = await analystOrAnswer(c, deps, c.req.path + '?' + new URL(c.req.url).searchParams);
    if (who instanceof Response) return who;
    const lang = langOf(c);
    const unit = deps.catalog.catalog.units.find((u) => u.code === c.req.query('unit'));
    const indicator = deps.catalog.catalog.indicators.find((x) => x.code === c.req.query('indicator'));
    const period = c.req.query('period') ?? '';
    if (!unit || !indicator || !CANONICAL_PERIOD.test(period)) {
      return c.html(renderNotice(lang, lang === 'vi' ? 'Tham số không hợp lệ' : 'Invalid parameters', 'unit, period, indicator'), 400);
    }
    // sql/value_provenance.sql shows values still waiting for approval: analysts only (its `audience`).
    const { table } = await deps.runner.run(savedQuery('value_provenance'), { unit: unit.code, period, indicator: indicator.code });
    const names = new Map((await deps.tokens()).map((t) => [t.id, t.name]));
    const rows = toRows(table);
    const shown = (r: (typeof rows)[number]) => r.value === null ? (lang === 'vi' ? 'rút (không còn báo cáo)' : 'withdrawn') : `${formatNumber(Number(r.value), lang)}${r.numerator !== null ? ` (${r.numerator}/${r.denominator})` : ''}`;
    const W = lang === 'vi'
      ? { title: 'Nguồn gốc số liệu', value: 'Giá trị', file: 'Tệp', where: 'Trang, dòng, cột', by: 'Người gửi', at: 'Thời điểm gửi', state: 'Trạng thái', current: 'Đang dùng', replaced: 'Đã được thay', withdrawn: 'Đã rút', none: 'Chưa có giá trị nào được báo cáo.' }
      : { title: 'Where this number came from', value: 'Value', file: 'File', where: 'Sheet, row, column', by: 'Sent by', at: 'Sent at', state: 'State', current: 'Current', replaced: 'Replaced', withdrawn: 'Withdrawn', none: 'No value has been reported.' };
    return c.html(renderPage({ home: '/q', signOut: true, lang, title: W.title, otherLangUrl: `/q/provenance?${new URLSearchParams({ unit: unit.code, period, indicator: indicator.code, lang: lang === 'vi' ? 'en' : 'vi' })}` }, html`
${linksNav(lang)}<h1>${W.title}</h1><p class="meta">${lang === 'vi' ? unit.nameVi : unit.nameEn || unit.nameVi} · ${periodLabel(period, lang)} · ${lang === 'vi' ? indicator.nameVi : indicator.nameEn}</p>
${rows.length === 0 ? html`<p class="meta">${W.none}</p>` : html`<div class="scroll" tabindex="0" role="group" aria-label="${W.title}"><table class="provenance"><thead><tr><th>${W.state}</th><th class="num">${W.value}</th><th>${W.file}</th><th>${W.where}</th><th>${W.by}</th><th>${W.at}</th></tr></thead>
<tbody>${rows.map((r, i) => html`<tr data-submission="${r.submission_id}"><td>${i > 0 ? W.replaced : r.value === null ? W.withdrawn : W.current}</td><td class="num">${shown(r)}</td><td><a href="/q/tep/${r.submission_id}" download>${r.source_file}</a></td><td>${r.source_sheet}, ${r.source_row}${r.source_column ? html`, ${r.source_column}` : ''}</td><td>${names.get(String(r.submitted_by)) ?? r.submitted_by ?? ''}</td><td>${formatDate(deps.localTime(r.submitted_at as string))}</td></tr>`)}</tbody></table></div>`}`));
  });

  /** The file a value came from, as it was sent: analysts may open any (clerks only their unit's, at /nop/tep). */
  app.get('/q/tep/:id', async (c) => {
    const who = await analystOrAnswer(c, deps, c.req.path);
    if (who instanceof Response) return who;
    const id = c.req.param('id');
    const result = await storedResult(deps.store, id);
    const bytes = result ? await deps.store.get(lakeKeys.original(id, result.file)) : null;
    if (!bytes) return c.html(renderNotice(langOf(c), 'Không tìm thấy / Not found', id), 404);
    c.header('Content-Type', 'application/octet-stream');
    c.header('Content-Disposition', `attachment; filename="${result!.file.replace(/[^\w.-]+/g, '_')}"; filename*=UTF-8''${encodeURIComponent(result!.file)}`);
    return c.body(bytes as Uint8Array<ArrayBuffer>);
  });

  app.get('/q/:name', async (c) => {
    const r = await analystQuery(c);
    if ('response' in r) return r.response;
    const lang = langOf(c);
    const { periods } = await withData();
    if ('problems' in r) {
      // A parameter typed wrong: the form again, saying which and why, nothing run.
      return c.html(renderPage({ home: '/q', signOut: true, lang, title: r.query.title[lang], otherLangUrl: `/q/${r.query.name}?lang=${lang === 'vi' ? 'en' : 'vi'}` },
        html`${linksNav(lang)}<h1>${r.query.title[lang]}</h1><p class="meta">${PLAIN[r.query.name]?.[lang === 'vi' ? 0 : 1] ?? ''}</p>${paramForm(r.query, r.given, periods, lang, r.problems)}`), 400);
    }
    const search = new URLSearchParams(Object.entries(r.params).map(([k, v]) => [k, String(v)]));
    const at = (i: number, file: string) => `/q/${r.query.name}/s/${i}/${file}?${search}${lang === 'en' ? '&lang=en' : ''}`;
    const approval = await deps.settings.approval();
    const sections = await Promise.all((await sectionsFor(deps, r.query, r.params, (i) => ({ chart: `/q/${r.query.name}/s/${i}/chart.svg?${search}&lang=${lang}`, csv: at(i, 'data.csv'), xlsx: at(i, 'data.xlsx') }), lang, 'analyst'))
      .map(async (s) => ({
        ...s,
        provenanceUrl: (unit: string, period: string, indicator: string) => `/q/provenance?${new URLSearchParams({ unit, period, indicator, lang })}`,
        warnings: s.query.chart.type === 'heatmap' && typeof s.params.period === 'string' ? await warningsOf(s.params.period) : undefined,
        pending: s.query.chart.type === 'heatmap' && typeof s.params.period === 'string' && approval.required ? await pendingOf(s.params.period) : undefined,
      })));
    const values = Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, String(v)]));
    return c.html(renderPage(
      { home: '/q', signOut: true, lang, title: titleFor(r.query, r.params, deps.catalog.catalog.units, lang), otherLangUrl: `/q/${r.query.name}?${search}&lang=${lang === 'vi' ? 'en' : 'vi'}`, registryVersion: deps.registryVersion?.() },
      html`${linksNav(lang)}${paramForm(r.query, values, periods, lang)}${sections.map((s, i) => renderSection(s, lang, i === 0 ? 1 : 2))}${leaderRefusal(r.query, deps.queries) ? html`<p class="meta" data-not-shareable>${leaderRefusal(r.query, deps.queries)![lang]}.</p>` : shareForm(`/q/${r.query.name}/share?${search}${lang === 'en' ? '&lang=en' : ''}`, lang)}`,
    ));
  });

  // ---- Analysts share with leaders: a form on every page, and the list of links made. ----

  /** Makes the link, then sends the browser to its own page (POST-redirect-GET): a reload shows it again, never makes another. */
  app.post('/q/:name/share', async (c) => {
    const r = await checkedQuery(c);
    if ('response' in r) return r.response;
    const lang = langOf(c);
    if (!sameOrigin(c, deps)) return c.html(renderNotice(lang, 'Không được phép / Forbidden', lang === 'vi' ? 'Biểu mẫu này phải được gửi từ trang của chiso.' : 'This form must be sent from chiso\'s own page.'), 403);
    const refused = leaderRefusal(r.query, deps.queries);
    if (refused) return c.html(renderNotice(lang, lang === 'vi' ? 'Không chia sẻ được' : 'Cannot be shared', refused[lang]), 403);
    const form = await c.req.parseBody();
    const days = Number(form.days);
    if (!EXPIRY_DAYS.includes(days)) return c.html(renderNotice(lang, lang === 'vi' ? 'Thời hạn không hợp lệ' : 'Invalid expiry', EXPIRY_DAYS.join(', ')), 400);
    const who = (await pageAnalyst(c, deps))!;
    const link = await createLeaderLink(deps, who, publicOrigin(c, deps), { query: r.query.name, params: r.params, expiresInSeconds: days * 86400, note: String(form.note ?? '').trim() });
    return c.redirect(`/q/links/${link.id}${lang === 'en' ? '?lang=en' : ''}`, 303);
  });

  /** One link of hers: to copy, to open, as a QR code for a phone. */
  app.get('/q/links/:id', async (c) => {
    const who = await analystOrAnswer(c, deps, c.req.path);
    if (who instanceof Response) return who;
    const lang = langOf(c);
    const link = (await deps.links.listBy(who.id)).find((l) => l.id === c.req.param('id'));
    if (!link) return c.html(renderNotice(lang, 'Không tìm thấy / Not found', c.req.param('id')), 404);
    const query = deps.queries.get(link.query);
    const until = formatDate(deps.localTime(link.exp * 1000).slice(0, 10));
    const status = linkStatus(link, deps.now());
    const qrName = lang === 'vi' ? 'Mã QR của liên kết, để mở trên điện thoại' : 'QR code of the link, to open it on a phone';
    const svg = renderSVG(link.url, { border: 2 }).replace(/^<svg\b/, `<svg role="img" aria-label="${qrName}"`);
    return c.html(renderPage({ home: '/q', signOut: true, lang, title: lang === 'vi' ? 'Liên kết cho lãnh đạo' : 'Link for a leader', otherLangUrl: `/q/links/${link.id}?lang=${lang === 'vi' ? 'en' : 'vi'}` }, html`
${linksNav(lang)}<h1>${lang === 'vi' ? 'Liên kết cho lãnh đạo' : 'Link for a leader'}</h1>
<p class="meta">${[query ? query.title[lang] : link.query, paramsText(query, link.params, lang), link.note, `${lang === 'vi' ? 'hiệu lực đến' : 'valid until'} ${until}`].filter(Boolean).join(' · ')}</p>
${status !== 'active' ? html`<p class="registry-note" role="note">${lang === 'vi' ? (status === 'revoked' ? 'Liên kết này đã bị thu hồi.' : 'Liên kết này đã hết hạn.') : (status === 'revoked' ? 'This link has been revoked.' : 'This link has expired.')}</p>` : ''}
<p><label>${lang === 'vi' ? 'Sao chép và gửi liên kết này:' : 'Copy and send this link:'}<input class="link-url" type="text" readonly value="${link.url}"></label></p>
<p><a href="${link.url}">${lang === 'vi' ? 'Mở thử liên kết' : 'Open the link'}</a></p>
<figure class="qr"><figcaption>${lang === 'vi' ? 'Mã QR để mở trên điện thoại' : 'QR code to open it on a phone'}</figcaption>${raw(svg)}</figure>`));
  });

  /** A revoke posted without confirm=1 (an old form, a stray click) asks first, on a page of its own. */
  app.post('/q/links/:id/revoke', async (c) => {
    const who = await analystOrAnswer(c, deps, '/q/links');
    if (who instanceof Response) return who;
    if (!sameOrigin(c, deps)) return c.text('', 403);
    const lang = langOf(c);
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    if (form.confirm !== '1') {
      const link = (await deps.links.listBy(who.id)).find((l) => l.id === id);
      if (!link) return c.html(renderNotice(lang, 'Không tìm thấy / Not found', id), 404);
      const query = deps.queries.get(link.query);
      return c.html(renderPage({ home: '/q', signOut: true, lang, title: T[lang].confirmTitle, otherLangUrl: '/q/links' }, html`${linksNav(lang)}<div class="notice"><h1>${T[lang].confirmTitle}</h1>
<p>${[query ? query.title[lang] : link.query, paramsText(query, link.params, lang), link.note].filter(Boolean).join(' · ')}</p><p>${T[lang].revokeWhat}</p>
<form method="post" action="/q/links/${id}/revoke${lang === 'en' ? '?lang=en' : ''}" class="confirm"><input type="hidden" name="confirm" value="1"><button type="submit" class="danger">${T[lang].revokeSure}</button> <a href="/q/links${lang === 'en' ? '?lang=en' : ''}">${T[lang].keep}</a></form></div>`));
    }
    const link = await revokeLeaderLink(deps, who, id);
    if (!link) return c.html(renderNotice(lang, 'Không tìm thấy / Not found', id), 404);
    return c.redirect(`/q/links${lang === 'en' ? '?lang=en' : ''}`, 303);
  });

  app.get('/q/:name/s/:index/chart.svg', async (c) => {
    const r = await checkedQuery(c);
    if ('response' in r) return r.response;
    return chartResponse(c, deps, r.query, r.params, Number(c.req.param('index')), 'analyst');
  });

  app.get('/q/:name/s/:index/:file{data\\.(csv|xlsx)}', async (c) => {
    const r = await checkedQuery(c);
    if ('response' in r) return r.response;
    return downloadResponse(c, deps, r.query, r.params, Number(c.req.param('index')), c.req.param('file').split('.')[1]!, 'analyst');
  });
}
