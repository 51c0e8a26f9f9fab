import type { Context, Hono } from 'hono';
import { verifyLink, type LinkGrant } from '../../domain/access/signedLinks.ts';
import { shiftPeriod } from '../../domain/ingest/parsePeriod.ts';
import { resolveParams } from '../../domain/queries/resolveParams.ts';
import type { SavedQuery } from '../../domain/queries/savedQueries.ts';
import type { Env, HttpDeps } from '../context.ts';
import { toRows } from '../tableRows.ts';
import { SUMMARY_NEEDS, summarize, type Results } from './leaderSummary.ts';
import { chartResponse, downloadResponse, resultFor, sectionsFor } from './pageSections.ts';
import { renderLeaderBody, sharedLine } from './renderLeader.ts';
import { formatDate, langOf, renderNotice, renderPage, sectionNotes, titleFor } from './renderPages.ts';

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
    return { grant: result.grant, query };
  }

  app.get('/l/:token', async (c) => {
    const checked = await checkLink(c);
    if (checked instanceof Response) return checked;
    const { grant, query } = checked;
    const lang = langOf(c);
    const base = `/l/${c.req.param('token')}`;
    const params = resolveParams(query, Object.fromEntries(Object.entries(grant.params).map(([k, v]) => [k, String(v)])), deps.catalog, deps.today());
    const sections = await sectionsFor(deps, query, params, (i) => ({ chart: `${base}/s/${i}/chart.svg?lang=${lang}`, csv: `${base}/s/${i}/data.csv`, xlsx: `${base}/s/${i}/data.xlsx` }), lang, 'leader');
    // The summary reads the page's own results, and a few more of the same saved queries (the period before).
    const period = typeof params.period === 'string' ? params.period : null;
    const results = new Map(sections.map((s) => [s.query.name, toRows(s.table)]));
    if (period && SUMMARY_NEEDS[query.name]) {
      await Promise.all(SUMMARY_NEEDS[query.name]!.filter((n) => !results.has(n)).map(async (need) => {
        const [name, when] = need.split('@') as [string, string | undefined];
        const q = deps.queries.get(name);
        if (!q) return;
        const p = resolveParams(q, { period: when === 'previous' ? shiftPeriod(period, -1) : period }, deps.catalog, deps.today());
        results.set(need, toRows(await resultFor(deps, q, p, 'leader')));
      }));
    }
    const units = deps.catalog.catalog.units;
    c.header('Cache-Control', 'private, no-store');
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(renderPage(
      { lang, title: titleFor(query, params, units, lang), otherLangUrl: `${base}?lang=${lang === 'vi' ? 'en' : 'vi'}`, footer: sharedLine(lang, grant.by_name, until(grant)) },
      renderLeaderBody({
        lang, sections,
        title: titleFor(query, params, units, lang),
        titles: sections.map((s) => titleFor(s.query, s.params, units, lang)),
        summary: period ? summarize(query.name, results as Results, period, lang) : null,
        notes: sections.map((s) => sectionNotes(s, results.get(s.query.name) ?? toRows(s.table), lang)),
      }),
    ));
  });

  app.get('/l/:token/s/:index/chart.svg', async (c) => {
    const checked = await checkLink(c);
    if (checked instanceof Response) return checked;
    return chartResponse(c, deps, checked.query, checked.grant.params, Number(c.req.param('index')), 'leader');
  });

  app.get('/l/:token/s/:index/:file{data\\.(csv|xlsx)}', async (c) => {
    const checked = await checkLink(c);
    if (checked instanceof Response) return checked;
    return downloadResponse(c, deps, checked.query, checked.grant.params, Number(c.req.param('index')), c.req.param('file').split('.')[1]!, 'leader');
  });
}
