import type { Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import { renderSVG } from 'uqr';
import { outboxEntries } from '../../services/reminders.ts';
import { CANONICAL_PERIOD } from '../../domain/ingest/parsePeriod.ts';
import { InvalidParamsError, resolveParams } from '../../domain/queries/resolveParams.ts';
import { pageAnalyst } from '../auth.ts';
import { publicOrigin, sameOrigin, type Env, type HttpDeps } from '../context.ts';
import { createLeaderLink, linkStatus, revokeLeaderLink } from '../../services/leaderLinks.ts';
import { toRows } from '../render.ts';
import { chartResponse, downloadResponse, sectionsFor } from './pageSections.ts';
import { formatNumber, langOf, renderNotice, renderPage, renderSection, type Lang } from './renderPages.ts';

const EXPIRY_DAYS = [7, 30, 90, 365];

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
    const rows = toRows(await deps.runner.runSql('SELECT unit, indicator_code, value, approval FROM kpi_pending WHERE period = :period', { period }));
    return new Map(rows.map((r) => [`${r.unit}|${r.indicator_code}`, { value: Number(r.value), approval: String(r.approval) }]));
  }


  app.get('/q', async (c) => {
    if (!(await pageAnalyst(c, deps))) return c.redirect(`/login?next=${encodeURIComponent('/q')}`, 303);
    const lang = langOf(c);
    return c.html(renderPage({ lang, title: lang === 'vi' ? 'Truy vấn' : 'Queries', otherLangUrl: `/q?lang=${lang === 'vi' ? 'en' : 'vi'}` }, html`
<h1>${lang === 'vi' ? 'Các truy vấn' : 'Saved queries'}</h1><ul>${[...deps.queries.values()].map((q) => html`<li><b>${q.title[lang]}</b> — <code>${q.name}(${q.params.map((p) => p.name).join(', ')})</code><br><span class="meta">${q.description[lang]}</span></li>`)}</ul>`));
  });

  async function analystQuery(c: Context) {
    const who = await pageAnalyst(c, deps);
    if (!who) return { response: c.redirect(`/login?next=${encodeURIComponent(c.req.path + '?' + new URL(c.req.url).searchParams)}`, 303) };
    const query = deps.queries.get(c.req.param('name')!);
    if (!query) return { response: c.html(renderNotice(langOf(c), 'Không tìm thấy / Not found', c.req.param('name')!), 404) };
    const raw = { ...c.req.query() };
    delete raw.lang;
    delete raw.w; // a chart's drawing width, not a parameter of the query
    try {
      return { query, params: resolveParams(query, raw, deps.catalog, deps.today()) };
    } catch (error) {
      if (!(error instanceof InvalidParamsError)) throw error;
      const lang = langOf(c);
      return { response: c.html(renderNotice(lang, lang === 'vi' ? 'Tham số không hợp lệ' : 'Invalid parameters', error.problems.map((p) => `${p.param}: ${lang === 'vi' ? p.message_vi : p.message_en}`).join('; ')), 400) };
    }
  }

  // The reminders sent to units (locally the outbox folder is their delivery; on AWS, SES).
  app.get('/q/outbox', async (c) => {
    const who = await pageAnalyst(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent('/q/outbox')}`, 303);
    const lang = langOf(c);
    const entries = await outboxEntries(deps.store);
    const W = lang === 'vi'
      ? { title: 'Nhắc nhở đã gửi', none: 'Chưa có nhắc nhở nào.', when: 'Lúc', unit: 'Đơn vị', period: 'Kỳ', subject: 'Nội dung', to: 'Gửi tới', status: 'Trạng thái', noAddress: 'chưa có địa chỉ thư (chỉ lưu ở đây)', sent: 'Đã gửi', failed: 'Lỗi, sẽ gửi lại', pending: 'Đang gửi' }
      : { title: 'Reminders sent', none: 'No reminders yet.', when: 'When', unit: 'Unit', period: 'Period', subject: 'Message', to: 'To', status: 'Status', noAddress: 'no e-mail address (kept here only)', sent: 'Sent', failed: 'Failed, will retry', pending: 'Sending' };
    return c.html(renderPage({ lang, title: W.title, otherLangUrl: `/q/outbox?lang=${lang === 'vi' ? 'en' : 'vi'}` }, html`
${linksNav(lang)}<h1>${W.title}</h1>
${entries.length === 0 ? html`<p class="meta">${W.none}</p>` : html`<div class="scroll cards"><table class="cards outbox"><thead><tr><th>${W.when}</th><th>${W.unit}</th><th>${W.period}</th><th>${W.subject}</th><th>${W.to}</th><th>${W.status}</th></tr></thead>
<tbody>${entries.map((e) => html`<tr data-key="${e.reminder.key}"><td data-label="${W.when}">${deps.localTime(e.claimed_at)}</td><td data-label="${W.unit}">${e.reminder.unit_name}</td><td data-label="${W.period}">${e.reminder.period}</td><td data-label="${W.subject}">${e.reminder.subject}</td><td data-label="${W.to}">${e.reminder.to.length ? e.reminder.to.join(', ') : W.noAddress}</td><td data-label="${W.status}">${e.delivered_at ? W.sent : e.error ? W.failed : W.pending}</td></tr>`)}</tbody></table></div>`}`));
  });

  app.get('/q/links', async (c) => {
    const who = await pageAnalyst(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent('/q/links')}`, 303);
    const lang = langOf(c);
    const now = deps.now();
    const mine = (await deps.links.listBy(who.id)).reverse();
    const STATUS = { active: ['Còn hiệu lực', 'Active'], expired: ['Hết hạn', 'Expired'], revoked: ['Đã thu hồi', 'Revoked'] } as const;
    return c.html(renderPage({ lang, title: lang === 'vi' ? 'Liên kết đã tạo' : 'Links made', otherLangUrl: `/q/links?lang=${lang === 'vi' ? 'en' : 'vi'}` }, html`
${linksNav(lang)}<h1>${lang === 'vi' ? 'Liên kết đã tạo' : 'Links made'}</h1>
${mine.length === 0 ? html`<p class="meta">${lang === 'vi' ? 'Chưa có liên kết nào.' : 'No links yet.'}</p>` : ''}
<div class="scroll"><table class="links"><thead><tr><th>${lang === 'vi' ? 'Báo cáo' : 'Report'}</th><th>${lang === 'vi' ? 'Cho' : 'For'}</th><th>${lang === 'vi' ? 'Tạo lúc' : 'Made'}</th><th>${lang === 'vi' ? 'Hết hạn' : 'Expires'}</th><th>${lang === 'vi' ? 'Trạng thái' : 'Status'}</th><th></th></tr></thead>
<tbody>${mine.map((l) => {
    const status = linkStatus(l, now);
    const q = deps.queries.get(l.query);
    return html`<tr data-link="${l.id}"><td><a href="${l.url}">${q ? q.title[lang] : l.query}</a><br><span class="meta">${Object.values(l.params).join(' · ')}</span></td><td>${l.note ?? ''}</td><td>${deps.localTime(l.created_at)}</td><td>${deps.localTime(l.exp * 1000).slice(0, 10)}</td><td class="status ${status}">${STATUS[status][lang === 'vi' ? 0 : 1]}</td>
<td>${status === 'active' ? html`<form method="post" action="/q/links/${l.id}/revoke"><button type="submit">${lang === 'vi' ? 'Thu hồi' : 'Revoke'}</button></form>` : ''}</td></tr>`;
  })}</tbody></table></div>`));
  });

  /** Where did this number come from: every value stated for a unit, period and indicator, newest first. */
  app.get('/q/provenance', async (c) => {
    const who = await pageAnalyst(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent(c.req.path + '?' + new URL(c.req.url).searchParams)}`, 303);
    const lang = langOf(c);
    const unit = deps.catalog.catalog.units.find((u) => u.code === c.req.query('unit'));
    const indicator = deps.catalog.catalog.indicators.find((x) => x.code === c.req.query('indicator'));
    const period = c.req.query('period') ?? '';
    if (!unit || !indicator || !CANONICAL_PERIOD.test(period)) {
      return c.html(renderNotice(lang, lang === 'vi' ? 'Tham số không hợp lệ' : 'Invalid parameters', 'unit, period, indicator'), 400);
    }
    const table = await deps.runner.runSql(
      `SELECT DISTINCT v.value, v.numerator, v.denominator, v.note, v.submission_id, v.source_file, v.source_sheet, v.source_row, v.source_column, v.submitted_at, s.submitted_by
       FROM kpi_values v JOIN submissions s ON s.submission_id = v.submission_id
       WHERE s.status = 'accepted' AND v.assessment IS NULL AND v.unit = :unit AND v.period = :period AND v.indicator_code = :indicator
       ORDER BY v.submitted_at DESC, v.submission_id DESC`,
      { unit: unit.code, period, indicator: indicator.code },
    );
    const names = new Map((await deps.tokens()).map((t) => [t.id, t.name]));
    const rows = toRows(table);
    const shown = (r: (typeof rows)[number]) => r.value === null ? (lang === 'vi' ? 'rút (không còn báo cáo)' : 'withdrawn') : `${formatNumber(Number(r.value), lang)}${r.numerator !== null ? ` (${r.numerator}/${r.denominator})` : ''}`;
    const W = lang === 'vi'
      ? { title: 'Nguồn gốc số liệu', value: 'Giá trị', file: 'Tệp', where: 'Trang, dòng, cột', by: 'Người gửi', at: 'Thời điểm gửi', state: 'Trạng thái', current: 'Đang dùng', replaced: 'Đã được thay', withdrawn: 'Đã rút', none: 'Chưa có giá trị nào được báo cáo.' }
      : { title: 'Where this number came from', value: 'Value', file: 'File', where: 'Sheet, row, column', by: 'Sent by', at: 'Sent at', state: 'State', current: 'Current', replaced: 'Replaced', withdrawn: 'Withdrawn', none: 'No value has been reported.' };
    return c.html(renderPage({ lang, title: W.title, otherLangUrl: `/q/provenance?${new URLSearchParams({ unit: unit.code, period, indicator: indicator.code, lang: lang === 'vi' ? 'en' : 'vi' })}` }, html`
${linksNav(lang)}<h1>${W.title}</h1><p class="meta">${lang === 'vi' ? unit.nameVi : unit.nameEn || unit.nameVi} · ${period} · ${lang === 'vi' ? indicator.nameVi : indicator.nameEn}</p>
${rows.length === 0 ? html`<p class="meta">${W.none}</p>` : html`<div class="scroll"><table class="provenance"><thead><tr><th>${W.state}</th><th class="num">${W.value}</th><th>${W.file}</th><th>${W.where}</th><th>${W.by}</th><th>${W.at}</th></tr></thead>
<tbody>${rows.map((r, i) => html`<tr data-submission="${r.submission_id}"><td>${i > 0 ? W.replaced : r.value === null ? W.withdrawn : W.current}</td><td class="num">${shown(r)}</td><td>${r.source_file}</td><td>${r.source_sheet}, ${r.source_row}${r.source_column ? html`, ${r.source_column}` : ''}</td><td>${names.get(String(r.submitted_by)) ?? r.submitted_by ?? ''}</td><td>${deps.localTime(r.submitted_at as string)}</td></tr>`)}</tbody></table></div>`}`));
  });

  app.get('/q/:name', async (c) => {
    const r = await analystQuery(c);
    if ('response' in r) return r.response;
    const lang = langOf(c);
    const search = new URLSearchParams(Object.entries(r.params).map(([k, v]) => [k, String(v)]));
    const at = (i: number, file: string) => `/q/${r.query.name}/s/${i}/${file}?${search}`;
    const approval = await deps.settings.approval();
    const sections = await Promise.all((await sectionsFor(deps, r.query, r.params, (i) => ({ chart: `${at(i, 'chart.svg')}&lang=${lang}`, csv: at(i, 'data.csv'), xlsx: at(i, 'data.xlsx') }), lang, 'analyst'))
      .map(async (s) => ({
        ...s,
        provenanceUrl: (unit: string, period: string, indicator: string) => `/q/provenance?${new URLSearchParams({ unit, period, indicator, lang })}`,
        warnings: s.query.chart.type === 'heatmap' && typeof s.params.period === 'string' ? await warningsOf(s.params.period) : undefined,
        pending: s.query.chart.type === 'heatmap' && typeof s.params.period === 'string' && approval.required ? await pendingOf(s.params.period) : undefined,
      })));
    return c.html(renderPage(
      { lang, title: r.query.title[lang], otherLangUrl: `/q/${r.query.name}?${search}&lang=${lang === 'vi' ? 'en' : 'vi'}`, registryVersion: deps.registryVersion?.() },
      html`${linksNav(lang)}${sections.map((s, i) => renderSection(s, lang, i === 0 ? 1 : 2))}${shareForm(`/q/${r.query.name}/share?${search}`, lang)}`,
    ));
  });

  // ---- Analysts share with leaders: a form on every page, and the list of links made. ----

  app.post('/q/:name/share', async (c) => {
    const r = await analystQuery(c);
    if ('response' in r) return r.response;
    const lang = langOf(c);
    if (!sameOrigin(c, deps)) return c.html(renderNotice(lang, 'Không được phép / Forbidden', lang === 'vi' ? 'Biểu mẫu này phải được gửi từ trang của chiso.' : 'This form must be sent from chiso\'s own page.'), 403);
    const form = await c.req.parseBody();
    const days = Number(form.days);
    if (!EXPIRY_DAYS.includes(days)) return c.html(renderNotice(lang, lang === 'vi' ? 'Thời hạn không hợp lệ' : 'Invalid expiry', EXPIRY_DAYS.join(', ')), 400);
    const who = (await pageAnalyst(c, deps))!;
    const link = await createLeaderLink(deps, who, publicOrigin(c, deps), { query: r.query.name, params: r.params, expiresInSeconds: days * 86400, note: String(form.note ?? '').trim() });
    const until = deps.localTime(link.exp * 1000).slice(0, 10);
    return c.html(renderPage({ lang, title: lang === 'vi' ? 'Liên kết cho lãnh đạo' : 'Link for a leader', otherLangUrl: '/q/links' }, html`
${linksNav(lang)}<h1>${lang === 'vi' ? 'Liên kết cho lãnh đạo' : 'Link for a leader'}</h1>
<p class="meta">${r.query.title[lang]} · ${Object.values(r.params).join(' · ')}${link.note ? html` · ${link.note}` : ''} · ${lang === 'vi' ? 'hiệu lực đến' : 'valid until'} ${until}</p>
<p><label>${lang === 'vi' ? 'Sao chép và gửi liên kết này:' : 'Copy and send this link:'}<input class="link-url" type="text" readonly value="${link.url}"></label></p>
<p><a href="${link.url}">${lang === 'vi' ? 'Mở thử liên kết' : 'Open the link'}</a></p>
<figure class="qr" aria-label="QR"><figcaption>${lang === 'vi' ? 'Mã QR để mở trên điện thoại' : 'QR code to open it on a phone'}</figcaption>${raw(renderSVG(link.url, { border: 2 }))}</figure>`));
  });

  app.post('/q/links/:id/revoke', async (c) => {
    const who = await pageAnalyst(c, deps);
    if (!who) return c.redirect('/login?next=%2Fq%2Flinks', 303);
    if (!sameOrigin(c, deps)) return c.text('', 403);
    const link = await revokeLeaderLink(deps, who, c.req.param('id'));
    if (!link) return c.html(renderNotice(langOf(c), 'Không tìm thấy / Not found', c.req.param('id')), 404);
    return c.redirect('/q/links', 303);
  });

  app.get('/q/:name/s/:index/chart.svg', async (c) => {
    const r = await analystQuery(c);
    if ('response' in r) return r.response;
    return chartResponse(c, deps, r.query, r.params, Number(c.req.param('index')), 'analyst');
  });

  app.get('/q/:name/s/:index/:file{data\\.(csv|xlsx)}', async (c) => {
    const r = await analystQuery(c);
    if ('response' in r) return r.response;
    return downloadResponse(c, deps, r.query, r.params, Number(c.req.param('index')), c.req.param('file').split('.')[1]!, 'analyst');
  });
}
