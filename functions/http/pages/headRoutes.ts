import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { isSubmissionId } from '../../domain/lakeKeys.ts';
import { periodLabelVi } from '../../domain/registry/periods.ts';
import { decisionProblem, recordDecision } from '../../services/approvals.ts';
import { storedResult } from '../../services/ingestFile.ts';
import { pagePrincipal } from '../auth.ts';
import { sameOrigin, type Env, type HttpDeps } from '../context.ts';
import { toRows } from '../render.ts';
import { langOf, renderNotice, renderPage, type Lang } from './renderPages.ts';

const W = {
  vi: {
    title: 'Duyệt báo cáo', off: 'Đơn vị triển khai không yêu cầu duyệt báo cáo.', notHead: 'Trang này dành cho lãnh đạo một đơn vị.',
    file: 'Tệp', periods: 'Kỳ', at: 'Nhận lúc', values: 'Số giá trị', status: 'Tình trạng', none: 'Chưa có báo cáo nào được nhận.',
    approve: 'Duyệt', ret: 'Trả lại', comment: 'Ý kiến (bắt buộc khi trả lại)', pending: 'Chờ duyệt', approved: 'Đã duyệt', returned: 'Đã trả lại',
  },
  en: {
    title: 'Approve reports', off: 'This deployment does not ask for reports to be approved.', notHead: 'This page is for a unit\'s head.',
    file: 'File', periods: 'Periods', at: 'Received', values: 'Values', status: 'Status', none: 'No report has been accepted yet.',
    approve: 'Approve', ret: 'Return', comment: 'Comment (required to return)', pending: 'Waiting', approved: 'Approved', returned: 'Returned',
  },
};

/**
 * A unit's head: the reports accepted for the unit, each approved or returned with a comment.
 * While approval is required, leaders' pages and rankings read approved values only.
 */
export function registerHeadRoutes(app: Hono<Env>, deps: HttpDeps): void {
  async function head(c: Context): Promise<{ id: string; name: string; unit: string } | Response> {
    const lang = langOf(c);
    const who = await pagePrincipal(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
    if (who.role !== 'head' || !who.unit) return c.html(renderNotice(lang, W[lang].title, W[lang].notHead), 403);
    if (!deps.approvalRequired) return c.html(renderNotice(lang, W[lang].title, W[lang].off), 404);
    return { id: who.id, name: who.name, unit: who.unit };
  }

  async function listing(unit: string, lang: Lang) {
    const w = W[lang];
    const rows = toRows(await deps.runner.runSql(
      `SELECT DISTINCT s.submission_id, s.source_file, s.periods, s.row_count, s.submitted_at, a.decision, a.comment, a.decided_by_name
       FROM submissions s LEFT JOIN approval_state a ON a.submission_id = s.submission_id
       WHERE s.status = 'accepted' AND s.units LIKE :pattern
       ORDER BY s.submitted_at DESC, s.submission_id DESC LIMIT 100`,
      { pattern: `%"${unit}"%` },
    ));
    if (rows.length === 0) return html`<p class="meta">${w.none}</p>`;
    const status = (d: unknown) => (d === 'approved' ? w.approved : d === 'returned' ? w.returned : w.pending);
    return html`<div class="scroll cards"><table class="cards approvals"><thead><tr><th>${w.file}</th><th>${w.periods}</th><th>${w.at}</th><th class="num">${w.values}</th><th>${w.status}</th><th></th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-submission="${r.submission_id}"><td data-label="${w.file}">${r.source_file}</td><td data-label="${w.periods}">${(JSON.parse(String(r.periods)) as string[]).map(periodLabelVi).join(', ')}</td><td data-label="${w.at}">${deps.localTime(r.submitted_at as string)}</td><td class="num" data-label="${w.values}">${r.row_count}</td><td data-label="${w.status}" data-decision="${r.decision ?? 'pending'}">${status(r.decision)}${r.comment ? html` — ${r.comment}` : ''}${r.decided_by_name ? html` (${r.decided_by_name})` : ''}</td>
<td>${r.decision === 'approved' ? '' : html`<form method="post" action="/duyet/${r.submission_id}"><label>${w.comment}<textarea name="comment" rows="2" maxlength="2000"></textarea></label><button type="submit" name="decision" value="approved">${w.approve}</button> <button type="submit" name="decision" value="returned">${w.ret}</button></form>`}</td></tr>`)}</tbody></table></div>`;
  }

  app.get('/duyet', async (c) => {
    const r = await head(c);
    if (r instanceof Response) return r;
    const lang = langOf(c);
    const unit = deps.catalog.catalog.units.find((u) => u.code === r.unit);
    return c.html(renderPage({ lang, title: W[lang].title, otherLangUrl: `/duyet?lang=${lang === 'vi' ? 'en' : 'vi'}` },
      html`<h1>${W[lang].title} — ${unit?.nameVi ?? r.unit}</h1>${await listing(r.unit, lang)}`));
  });

  app.post('/duyet/:id', async (c) => {
    const r = await head(c);
    if (r instanceof Response) return r;
    const lang = langOf(c);
    if (!sameOrigin(c, deps)) return c.text('', 403);
    const id = c.req.param('id');
    // Only a report accepted for the head's own unit.
    const result = isSubmissionId(id) ? await storedResult(deps.store, id) : null;
    if (!result || result.status !== 'accepted' || !result.partitions.some((p) => p.unit === r.unit)) {
      return c.html(renderNotice(lang, W[lang].title, lang === 'vi' ? 'Không có báo cáo này của đơn vị.' : 'No such report of this unit.'), 404);
    }
    const form = await c.req.parseBody();
    const decision = { decision: String(form.decision ?? ''), comment: String(form.comment ?? '') || null };
    const wrong = decisionProblem(decision);
    if (wrong) return c.html(renderNotice(lang, W[lang].title, wrong), 400);
    await recordDecision(deps.store, {
      submission_id: id, unit: r.unit, decision: decision.decision as 'approved' | 'returned', comment: decision.comment, decided_by: r.id, decided_by_name: r.name,
    }, deps.now());
    deps.runner.lakeChanged();
    return c.redirect('/duyet', 303);
  });
}
