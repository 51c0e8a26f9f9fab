import { gzipSync } from 'node:zlib';
import { html } from 'hono/html';
import type { Context, Hono } from 'hono';
import { verifyLink, type LinkGrant } from '../../domain/access/signedLinks.ts';
import { shiftPeriod } from '../../domain/ingest/parsePeriod.ts';
import { resolveParams, type ParamValue } from '../../domain/queries/resolveParams.ts';
import { digestEntries, DigestError, subscribe, subscriptions, unsubscribe, verifyUnsubscribeToken, type DigestContent } from '../../services/digest.ts';
import { leaderRefusal } from '../../services/leaderLinks.ts';
import type { SavedQuery } from '../../domain/queries/savedQueries.ts';
import { pageAnalyst } from '../auth.ts';
import { problem, sameOrigin, type Env, type HttpDeps } from '../context.ts';
import { lazy } from '../lazy.ts';
import { toRows, type Plain } from '../tableRows.ts';
import { SUMMARY_NEEDS, summarize, type Results, type Summary } from './leaderSummary.ts';
import { chartResponse, downloadResponse, resultFor, sectionsFor } from './pageSections.ts';
import { loadUnitCard, refusedWords, renderUnitCard, unitsOfAnswer } from './leaderUnit.ts';
import { FROZEN_QUERIES, publishedFigures, type PublishedFigures } from './publishedResults.ts';
import { renderLeaderBody, sharedLine } from './renderLeader.ts';
import { formatDate, langOf, periodLabel, renderNotice, renderPage, sectionNotes, titleFor, type Lang } from './renderPages.ts';

type PageDeps = Pick<HttpDeps, 'queries' | 'runner' | 'catalog' | 'today' | 'localTime'>;

/**
 * A link's sections and their results, and its summary (which reads a few more of the same saved
 * queries: the period before). `published`: the period's publication, whose figures a leader reads.
 */
async function pageResults(deps: PageDeps, query: SavedQuery, params: Record<string, ParamValue>, lang: Lang, base: string, published: PublishedFigures | null = null) {
  const sections = await sectionsFor(deps, query, params, (i) => ({ chart: `${base}/s/${i}/chart.svg?lang=${lang}`, csv: `${base}/s/${i}/data.csv`, xlsx: `${base}/s/${i}/data.xlsx` }), lang, 'leader', published);
  const period = typeof params.period === 'string' ? params.period : null;
  const results = new Map(sections.map((s) => [s.query.name, toRows(s.table)]));
  if (period && SUMMARY_NEEDS[query.name]) {
    await Promise.all(SUMMARY_NEEDS[query.name]!.filter((n) => !results.has(n)).map(async (need) => {
      const [name, when] = need.split('@') as [string, string | undefined];
      const q = deps.queries.get(name);
      if (!q) return;
      const p = resolveParams(q, { period: when === 'previous' ? shiftPeriod(period, -1) : period }, deps.catalog, deps.today());
      const table = await resultFor(deps, q, p, 'leader');
      results.set(need, toRows(published ? published.section(q, p, table).table : table));
    }));
  }
  // The sections that show the decision's figures: the note heads the page when its own query is one, else those sections.
  const publishedIn = sections.map((s) => published?.covers(s.query, s.params) ?? false);
  const publishedNote = publishedIn.some(Boolean) ? published!.note : null;
  return { sections, results, period, publishedNote, publishedIn, summary: period ? summarize(query.name, results as Results, period, lang) : null };
}

/**
 * A leader's digest of a link's query for one period (services/digest.ts): its title and the
 * first three lines of its summary, once the period's data is in (no unit still "not due":
 * every unit reported, or the deadline passed); null before.
 */
export function digestContent(deps: PageDeps & { published?: (period: string) => Promise<PublishedFigures | null> }): DigestContent {
  return async (name, given) => {
    const query = deps.queries.get(name);
    const timeliness = deps.queries.get('reporting_timeliness');
    if (!query || !timeliness || typeof given.period !== 'string') return null;
    const params = resolveParams(query, Object.fromEntries(Object.entries(given).map(([k, v]) => [k, String(v)])), deps.catalog, deps.today());
    const due = toRows(await resultFor(deps, timeliness, resolveParams(timeliness, { period: given.period }, deps.catalog, deps.today()), 'leader'));
    if (due.length === 0 || due.some((r) => r.status_code === 'not_due')) return null;
    // A published period's digest reads the decision's figures, as the link does.
    const frozen = [query.name, ...query.page.sections.map((s) => s.query)].some((n) => FROZEN_QUERIES.has(n));
    const published = frozen && deps.published ? await deps.published(given.period) : null;
    const { summary } = await pageResults(deps, query, params, 'vi', '', published);
    if (!summary) return null;
    return {
      title: `${titleFor(query, params, deps.catalog.catalog.units, 'vi')}, ${periodLabel(given.period, 'vi')}`,
      ...(published ? { note: published.note } : {}),
      lines: summary.tiles.slice(0, 3).map((t) => `${t.label}: ${t.value}${t.detail ? ` (${t.detail})` : ''}`),
    };
  };
}

/** Leaders' pages behind signed links, no login: the page, its charts and its downloads. */
export function registerLeaderRoutes(app: Hono<Env>, deps: HttpDeps): void {
  const until = (grant: LinkGrant) => formatDate(deps.localTime(grant.exp * 1000).slice(0, 10));

  async function checkLink(c: Context): Promise<{ grant: LinkGrant; query: SavedQuery } | Response> {
    const lang = langOf(c);
    const result = verifyLink(c.req.param('token')!, deps.linkSecret, Math.floor(deps.now().getTime() / 1000));
    if (result.kind === 'tampered') {
      return c.html(renderNotice(lang, lang === 'vi' ? 'Liên kết không hợp lệ' : 'Invalid link',
        lang === 'vi' ? 'Liên kết này không đúng hoặc đã bị sửa. Hãy mở đúng liên kết đã được gửi cho bạn.' : 'This link is not valid or has been altered. Open the link exactly as it was sent to you.'), 403);
    }
    const revoked = await deps.links.revokedAt(result.grant.id);
    if (result.kind === 'expired' || revoked) {
      const date = until(result.grant);
      const who = result.grant.by_name;
      const message = revoked
        ? (lang === 'vi' ? `Liên kết này đã bị thu hồi. Hãy liên hệ ${who} để xin liên kết mới.` : `This link has been revoked. Ask ${who} for a new one.`)
        : (lang === 'vi' ? `Liên kết này đã hết hạn ngày ${date}. Hãy liên hệ ${who} để xin liên kết mới.` : `This link expired on ${date}. Ask ${who} for a new one.`);
      return c.html(renderNotice(lang, lang === 'vi' ? 'Liên kết đã hết hiệu lực' : 'Link no longer valid', message), 410);
    }
    const query = deps.queries.get(result.grant.query);
    if (!query) return c.html(renderNotice(lang, lang === 'vi' ? 'Không tìm thấy' : 'Not found', lang === 'vi' ? 'Báo cáo này không còn.' : 'This report no longer exists.'), 404);
    // A query for analysts only (pending values, the administrators' log) is never a leader's, however the link was made.
    const refused = leaderRefusal(query, deps.queries);
    if (refused) return c.html(renderNotice(lang, lang === 'vi' ? 'Không được phép' : 'Forbidden', refused[lang]), 403);
    return { grant: result.grant, query };
  }

  const linkParams = (query: SavedQuery, grant: LinkGrant) => resolveParams(query, Object.fromEntries(Object.entries(grant.params).map(([k, v]) => [k, String(v)])), deps.catalog, deps.today());

  /** The publication of a link's period, where the link shows a query it froze (the DTI ranking, the score cards); else null. */
  async function linkPublished(query: SavedQuery, params: Record<string, ParamValue>, lang: Lang): Promise<PublishedFigures | null> {
    const names = [query.name, ...query.page.sections.map((s) => s.query)];
    if (!names.some((n) => FROZEN_QUERIES.has(n))) return null;
    return publishedFigures(deps, typeof params.period === 'string' ? params.period : null, lang);
  }

  /** What a link's page shows: its sections, their results, the summary and the units that may be opened. */
  async function linkPage(c: Context, grant: LinkGrant, query: SavedQuery) {
    const lang = langOf(c);
    const base = `/l/${c.req.param('token')}`;
    const params = linkParams(query, grant);
    const published = await linkPublished(query, params, lang);
    const { sections, results, period, summary, publishedNote, publishedIn } = await pageResults(deps, query, params, lang, base, published);
    // A unit's own page only for units this link's answer holds, and only where the page has a period.
    const openable = period ? await unitsOfAnswer(deps, query.name, params) : new Set<string>();
    return {
      lang, base, params, period, sections, results, summary, publishedNote, publishedIn, published,
      title: titleFor(query, params, deps.catalog.catalog.units, lang),
      unitUrl: (unit: string) => (openable.has(unit) ? `${base}/don-vi/${encodeURIComponent(unit)}${lang === 'en' ? '?lang=en' : ''}` : null),
    };
  }

  /**
   * Rendered pages, kept per link, language, lake version, registry version and day (the
   * timeliness is as of today), HTML and gzip both, for the last PAGE_CACHE_SIZE asked: a leader
   * who reopens a link costs nothing. The link is checked (signature, expiry, revocation) first,
   * on every request; a new submission, registry or publication (each writes a new lake version)
   * makes a new key.
   */
  const pageCache = new Map<string, { html: string; gzip: Uint8Array }>();
  const PAGE_CACHE_SIZE = 32;

  app.get('/l/:token', async (c) => {
    const checked = await checkLink(c);
    if (checked instanceof Response) return checked;
    const { grant, query } = checked;
    const lang = langOf(c);
    const key = [c.req.param('token'), lang, await deps.runner.lakeVersion(), deps.registryVersion?.() ?? '', deps.today()].join('|');
    let cached = pageCache.get(key);
    if (cached) {
      pageCache.delete(key); // most recently used last
    } else {
      const page = await linkPage(c, grant, query);
      const { base, sections, results } = page;
      const units = deps.catalog.catalog.units;
      const body = String(await renderPage(
        { lang, title: page.title, otherLangUrl: `${base}?lang=${lang === 'vi' ? 'en' : 'vi'}`, footer: sharedLine(lang, grant.by_name, until(grant)) },
        renderLeaderBody({
          lang, sections,
          title: page.title,
          titles: sections.map((s) => titleFor(s.query, s.params, units, lang)),
          summary: page.summary,
          notes: sections.map((s) => sectionNotes(s, results.get(s.query.name) ?? toRows(s.table), lang)),
          unitUrl: page.unitUrl,
          pdfUrl: `${base}/pdf${lang === 'en' ? '?lang=en' : ''}`,
          publishedNote: page.publishedNote,
          publishedIn: page.publishedIn,
        }),
      ));
      cached = { html: body, gzip: new Uint8Array(gzipSync(body)) };
      if (pageCache.size >= PAGE_CACHE_SIZE) pageCache.delete(pageCache.keys().next().value!);
    }
    pageCache.set(key, cached);
    c.header('Cache-Control', 'private, no-store');
    c.header('Referrer-Policy', 'no-referrer');
    if (!/\bgzip\b/i.test(c.req.header('accept-encoding') ?? '')) return c.html(cached.html);
    // Already compressed: app.ts's compressText leaves a body with a Content-Encoding alone.
    return c.body(cached.gzip.slice(), 200, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Encoding': 'gzip' });
  });

  // The link as a PDF to forward or print (A4 landscape), drawn on the server by a lazy module.
  app.get('/l/:token/pdf', async (c) => {
    const checked = await checkLink(c);
    if (checked instanceof Response) return checked;
    const { grant, query } = checked;
    const page = await linkPage(c, grant, query);
    // A published ranking's PDF is headed by the body that issued the decision; else by who shared the link.
    const issuer = page.publishedIn[0] && page.published ? page.published.issuingBody : grant.by_name;
    return pdfResponse(c, query, page.params, issuer, sharedLine(page.lang, grant.by_name, until(grant)), page);
  });

  /** A page's PDF (the same results the page shows, in its language), drawn by the lazy renderer. */
  async function pdfResponse(c: Context, query: SavedQuery, params: Record<string, ParamValue>, issuer: string, footer: string, page: { lang: Lang; title: string; period: string | null; summary: Summary | null; results: Map<string, Record<string, Plain>[]>; publishedNote?: string | null; publishedIn?: boolean[] }) {
    const pdf = await (await lazy.leaderPdf()).renderLeaderPdf({
      lang: page.lang, title: page.title, period: page.period, issuer, issued: deps.today(), sharedLine: footer, summary: page.summary, results: page.results,
      published: page.publishedNote ? { note: page.publishedNote, whole: page.publishedIn?.[0] ?? false } : null,
      indicatorNames: new Map(deps.catalog.catalog.indicators.map((i) => [i.code, page.lang === 'en' ? i.nameEn : i.nameVi])),
    });
    const stem = [query.name, ...Object.values(params).map(String)].join('_').replace(/[^\w.-]+/g, '-');
    c.header('Cache-Control', 'private, no-store');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Content-Disposition', `inline; filename="${stem}.pdf"`);
    return c.body(new Uint8Array(pdf), 200, { 'Content-Type': 'application/pdf' });
  }

  // An analyst's page as the same PDF (/q/<name>/pdf?<its parameters>): signed in, any saved query with a period.
  app.get('/q/:name/pdf', async (c) => {
    const who = await pageAnalyst(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent(c.req.path + '?' + new URL(c.req.url).searchParams)}`, 303);
    const lang = langOf(c);
    const query = deps.queries.get(c.req.param('name'));
    if (!query) return c.html(renderNotice(lang, lang === 'vi' ? 'Không tìm thấy' : 'Not found', c.req.param('name')), 404);
    const given: Record<string, string> = { ...c.req.query() };
    delete given.lang;
    const params = resolveParams(query, given, deps.catalog, deps.today());
    const { results, period, summary } = await pageResults(deps, query, params, lang, `/q/${query.name}`);
    const made = lang === 'vi' ? `Do ${who.name} lập.` : `Prepared by ${who.name}.`;
    return pdfResponse(c, query, params, who.name, made, { lang, title: titleFor(query, params, deps.catalog.catalog.units, lang), period, summary, results });
  });

  // A unit's own page: authorised by the link alone (its signature, expiry and revocation), for a unit its answer holds.
  app.get('/l/:token/don-vi/:unit', async (c) => {
    const checked = await checkLink(c);
    if (checked instanceof Response) return checked;
    const { grant, query } = checked;
    const lang = langOf(c);
    const base = `/l/${c.req.param('token')}`;
    const unit = c.req.param('unit');
    const params = linkParams(query, grant);
    const period = typeof params.period === 'string' ? params.period : null;
    if (!period || !(await unitsOfAnswer(deps, query.name, params)).has(unit)) {
      const words = refusedWords(lang);
      return c.html(renderNotice(lang, words.title, words.message), 403);
    }
    // The unit's DTI points are the decision's once its period is published, whatever the link's query.
    const card = await loadUnitCard(deps, unit, period, lang, await publishedFigures(deps, period, lang));
    c.header('Cache-Control', 'private, no-store');
    c.header('Referrer-Policy', 'no-referrer');
    const here = `${base}/don-vi/${encodeURIComponent(unit)}`;
    return c.html(renderPage(
      { lang, title: `${card.name} — ${titleFor(query, params, deps.catalog.catalog.units, lang)}`, otherLangUrl: `${here}?lang=${lang === 'vi' ? 'en' : 'vi'}`, footer: sharedLine(lang, grant.by_name, until(grant)) },
      renderUnitCard(card, lang, `${base}${lang === 'en' ? '?lang=en' : ''}`),
    ));
  });

  app.get('/l/:token/s/:index/chart.svg', async (c) => {
    const checked = await checkLink(c);
    if (checked instanceof Response) return checked;
    const { query, grant } = checked;
    const params = linkParams(query, grant);
    return chartResponse(c, deps, query, params, Number(c.req.param('index')), 'leader', await linkPublished(query, params, langOf(c)));
  });

  app.get('/l/:token/s/:index/:file{data\\.(csv|xlsx)}', async (c) => {
    const checked = await checkLink(c);
    if (checked instanceof Response) return checked;
    const { query, grant } = checked;
    // The link's parameters completed as its page completes them (a parameter added since, with its default).
    const params = linkParams(query, grant);
    return downloadResponse(c, deps, query, params, Number(c.req.param('index')), c.req.param('file').split('.')[1]!, 'leader', await linkPublished(query, params, langOf(c)));
  });

  // ---- A leader's digest (services/digest.ts): an analyst subscribes an e-mail to one of her links. ----

  app.post('/api/links/:id/digest', async (c) => {
    const principal = c.get('principal');
    if (principal.role !== 'analyst') return problem(c, { status: 403, code: 'FORBIDDEN', vi: 'Chỉ chuyên viên phân tích được đăng ký bản tin', en: 'Only analysts may subscribe leaders to a digest' });
    const body = (await c.req.json().catch(() => null)) as { email?: unknown } | null;
    if (!body || typeof body.email !== 'string') return problem(c, { status: 400, code: 'INVALID_BODY', vi: 'Nội dung phải là JSON {email}', en: 'The body must be JSON {email}' });
    try {
      const s = await subscribe({ store: deps.store, links: deps.links, now: deps.now }, principal, c.req.param('id'), body.email);
      return c.json(s, 201);
    } catch (error) {
      if (error instanceof DigestError) return problem(c, { status: 400, code: 'INVALID_SUBSCRIPTION', vi: error.vi, en: error.en });
      throw error;
    }
  });

  app.get('/api/digest', async (c) => {
    const principal = c.get('principal');
    const mine = (await subscriptions(deps.store)).filter((s) => s.by === principal.id);
    return c.json(await Promise.all(mine.map(async (s) => ({ ...s, sent: (await digestEntries(deps.store, s.id)).map((e) => ({ period: e.period, link_url: e.link_url, claimed_at: e.claimed_at, delivered_at: e.delivered_at, error: e.error })) }))));
  });

  // Unsubscribing: the message's own signed link shows one button (a mail scanner's GET changes nothing); its POST ends the subscription.
  const unsubscribePage = (c: Context, done: boolean) => {
    const lang = langOf(c);
    const vi = lang === 'vi';
    return c.html(renderPage({ lang, title: vi ? 'Ngừng nhận bản tin' : 'Stop the digest', otherLangUrl: `?lang=${vi ? 'en' : 'vi'}` }, done
      ? html`<div class="notice" role="status"><h1>${vi ? 'Đã ngừng gửi bản tin' : 'The digest has stopped'}</h1><p>${vi ? 'Bạn sẽ không nhận bản tin này nữa. Liên kết báo cáo vẫn mở được đến khi hết hạn.' : 'You will not receive this digest again. The report\'s link still opens until it expires.'}</p></div>`
      : html`<div class="notice"><h1>${vi ? 'Ngừng nhận bản tin?' : 'Stop the digest?'}</h1><form method="post"><button class="big" type="submit">${vi ? 'Ngừng nhận bản tin này' : 'Stop this digest'}</button></form></div>`));
  };
  const unsubscribeCheck = (c: Context) => {
    const id = verifyUnsubscribeToken(deps.linkSecret, c.req.param('token')!);
    if (id) return id;
    const lang = langOf(c);
    return c.html(renderNotice(lang, lang === 'vi' ? 'Liên kết không hợp lệ' : 'Invalid link', lang === 'vi' ? 'Liên kết ngừng nhận bản tin này không đúng hoặc đã bị sửa.' : 'This unsubscribe link is not valid or has been altered.'), 403);
  };
  app.get('/ban-tin/huy/:token', (c) => {
    const id = unsubscribeCheck(c);
    return typeof id === 'string' ? unsubscribePage(c, false) : id;
  });
  app.post('/ban-tin/huy/:token', async (c) => {
    const id = unsubscribeCheck(c);
    if (typeof id !== 'string') return id;
    if (!(await unsubscribe({ store: deps.store, now: deps.now }, id))) return c.html(renderNotice(langOf(c), langOf(c) === 'vi' ? 'Không tìm thấy' : 'Not found', langOf(c) === 'vi' ? 'Không có bản tin này.' : 'No such digest.'), 404);
    return unsubscribePage(c, true);
  });

  // An analyst's own page for a link's digest: who gets it, what was sent, and a form to add an e-mail.
  const digestPage = async (c: Context, who: { id: string }, linkId: string, error?: { vi: string; en: string }) => {
    const lang = langOf(c);
    const vi = lang === 'vi';
    const link = (await deps.links.listBy(who.id)).find((l) => l.id === linkId);
    if (!link) return c.html(renderNotice(lang, vi ? 'Không tìm thấy' : 'Not found', vi ? 'Không có liên kết này trong các liên kết của bạn.' : 'No such link among yours.'), 404);
    const subs = (await subscriptions(deps.store)).filter((x) => x.link_id === link.id);
    const sent = new Map(await Promise.all(subs.map(async (x) => [x.id, await digestEntries(deps.store, x.id)] as const)));
    const query = deps.queries.get(link.query);
    const title = query ? titleFor(query, link.params, deps.catalog.catalog.units, lang) : link.query;
    return c.html(renderPage({ lang, home: '/q', signOut: true, title: vi ? 'Bản tin cho lãnh đạo' : 'Leaders\' digest', otherLangUrl: `?lang=${vi ? 'en' : 'vi'}` }, html`
<p class="back"><a href="/q/links">${vi ? '← Các liên kết đã chia sẻ' : '← Shared links'}</a></p>
<h1>${vi ? 'Bản tin cho lãnh đạo' : 'Leaders\' digest'}</h1><p class="meta">${title}${typeof link.params.period === 'string' ? `, ${periodLabel(link.params.period, lang)}` : ''}</p>
<p class="lead">${vi ? 'Mỗi kỳ, khi đã có số liệu (mọi đơn vị đã nộp hoặc đã quá hạn), người nhận được một thư ngắn: ba dòng tóm tắt và liên kết báo cáo. Trong thư có liên kết để ngừng nhận.' : 'Each period, once its data is in (every unit reported or the deadline passed), each person gets one short message: three lines of the summary and the report\'s link, with a link to stop it.'}</p>
${error ? html`<p class="field-error" role="alert">${vi ? error.vi : error.en}</p>` : ''}
<form class="params" method="post"><div class="field wide"><label for="email">${vi ? 'Thư điện tử của lãnh đạo' : 'The leader\'s e-mail'}</label><input type="email" id="email" name="email" required autocomplete="off"></div><button type="submit">${vi ? 'Đăng ký nhận bản tin' : 'Subscribe'}</button></form>
${subs.length ? html`<ul class="brief">${subs.map((x) => html`<li data-email="${x.email}"><span class="who">${x.email}</span> <span class="what">${x.unsubscribed_at ? (vi ? 'đã ngừng nhận' : 'stopped') : (vi ? 'đang nhận' : 'subscribed')}${(sent.get(x.id) ?? []).length ? ` · ${vi ? 'đã gửi' : 'sent'}: ${(sent.get(x.id) ?? []).map((e) => periodLabel(e.period, lang)).join(', ')}` : ''}</span></li>`)}</ul>` : ''}`), error ? 400 : 200);
  };
  app.get('/q/links/:id/ban-tin', async (c) => {
    const who = await pageAnalyst(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
    return digestPage(c, who, c.req.param('id'));
  });
  app.post('/q/links/:id/ban-tin', async (c) => {
    const who = await pageAnalyst(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
    if (!sameOrigin(c, deps)) return c.html(renderNotice(langOf(c), 'Không hợp lệ / Not allowed', 'Biểu mẫu gửi từ trang khác / A form from another site'), 403);
    const form = await c.req.parseBody();
    try {
      await subscribe({ store: deps.store, links: deps.links, now: deps.now }, who, c.req.param('id'), String(form.email ?? ''));
    } catch (error) {
      if (error instanceof DigestError) return digestPage(c, who, c.req.param('id'), error);
      throw error;
    }
    return c.redirect(`/q/links/${encodeURIComponent(c.req.param('id'))}/ban-tin${langOf(c) === 'en' ? '?lang=en' : ''}`, 303);
  });
}
