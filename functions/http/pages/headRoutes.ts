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
    title: 'Duyệt báo cáo', off: 'Đơn vị triển khai không yêu cầu duyệt báo cáo.', notHead: 'Trang này dành cho lãnh đạo một đơn vị hoặc chuyên viên của tỉnh.',
    file: 'Tệp', unit: 'Đơn vị', periods: 'Kỳ', at: 'Nhận lúc', values: 'Số giá trị', status: 'Tình trạng', none: 'Chưa có báo cáo nào được nhận.',
    approve: 'Duyệt', ret: 'Trả lại', comment: 'Ý kiến (bắt buộc khi trả lại)', pending: 'Chờ duyệt', approved: 'Đã duyệt', returned: 'Đã trả lại',
    change: 'Đổi quyết định', changeComment: 'Lý do đổi quyết định (bắt buộc)', multi: 'Tệp của nhiều đơn vị: mỗi đơn vị được duyệt riêng.',
    decided: 'Báo cáo này đã có quyết định; muốn đổi, hãy dùng "Đổi quyết định" và ghi lý do.', notFound: 'Không có báo cáo này của đơn vị.',
    needReason: 'Đổi quyết định cần ghi lý do.',
  },
  en: {
    title: 'Approve reports', off: 'This deployment does not ask for reports to be approved.', notHead: 'This page is for a unit\'s head or the province\'s analysts.',
    file: 'File', unit: 'Unit', periods: 'Periods', at: 'Received', values: 'Values', status: 'Status', none: 'No report has been accepted yet.',
    approve: 'Approve', ret: 'Return', comment: 'Comment (required to return)', pending: 'Waiting', approved: 'Approved', returned: 'Returned',
    change: 'Change the decision', changeComment: 'Why the decision changes (required)', multi: 'A file of several units: each unit is decided on its own.',
    decided: 'This report was decided already; to change it, use "Change the decision" and say why.', notFound: 'No such report of this unit.',
    needReason: 'Changing a decision needs a reason.',
  },
};

/** Who decides: a unit's head for that unit's rows, or an analyst for any unit of a file of several. */
interface Decider { id: string; name: string; unit: string | null }

interface Row { submission_id: string; source_file: string; periods: string; row_count: number; submitted_at: string; units: string[] }
interface Decided { decision: string; comment: string | null; decided_by_name: string }

/**
 * Approval, unit by unit: a head decides for the rows of their own unit of any file (a district
 * file's other units wait for their own heads, or for an analyst); a decision changes only
 * through an explicit, recorded re-decision with its reason. While approval is required,
 * leaders' pages and rankings read approved rows only (kpi_accepted).
 */
export function registerHeadRoutes(app: Hono<Env>, deps: HttpDeps): void {
  async function decider(c: Context): Promise<Decider | Response> {
    const lang = langOf(c);
    const who = await pagePrincipal(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
    const isHead = who.role === 'head' && who.unit;
    if (!isHead && who.role !== 'analyst') return c.html(renderNotice(lang, W[lang].title, W[lang].notHead), 403);
    if (!(await deps.settings.approval()).required) return c.html(renderNotice(lang, W[lang].title, W[lang].off), 404);
    return { id: who.id, name: who.name, unit: isHead ? who.unit : null };
  }

  /** Each (submission, unit)'s latest decision. */
  async function decisions(ids: string[]): Promise<Map<string, Decided>> {
    if (ids.length === 0) return new Map();
    const params = Object.fromEntries(ids.map((id, i) => [`s${i}`, id]));
    const rows = toRows(await deps.runner.runSql(
      `SELECT submission_id, unit, decision, comment, decided_by_name FROM approval_state WHERE submission_id IN (${ids.map((_, i) => `:s${i}`).join(', ')})`,
      params,
    ));
    return new Map(rows.map((r) => [`${r.submission_id}|${r.unit}`, r as unknown as Decided]));
  }

  async function listing(d: Decider, lang: Lang) {
    const w = W[lang];
    // A head: files with rows of the unit. An analyst: files of several units (one unit's file is its head's).
    const rows = toRows(await deps.runner.runSql(
      `SELECT DISTINCT s.submission_id, s.source_file, s.periods, s.units, s.row_count, s.submitted_at
       FROM submissions s
       WHERE s.status = 'accepted' AND ${d.unit ? 's.units LIKE :pattern' : "s.units LIKE '%,%'"}
       ORDER BY s.submitted_at DESC, s.submission_id DESC LIMIT 100`,
      d.unit ? { pattern: `%"${d.unit}"%` } : {},
    )).map((r): Row => ({ ...(r as unknown as Row), units: JSON.parse(String(r.units)) as string[] }));
    if (rows.length === 0) return html`<p class="meta">${w.none}</p>`;
    const decided = await decisions(rows.map((r) => r.submission_id));
    const names = new Map(deps.catalog.catalog.units.map((u) => [u.code, u.nameVi]));
    const status = (x: Decided | undefined) => (x?.decision === 'approved' ? w.approved : x?.decision === 'returned' ? w.returned : w.pending);
    const lines = rows.flatMap((r) => (d.unit ? [d.unit] : r.units).map((unit) => ({ r, unit, x: decided.get(`${r.submission_id}|${unit}`) })));
    const form = (r: Row, unit: string, x: Decided | undefined) => html`<form method="post" action="/duyet/${r.submission_id}"><input type="hidden" name="unit" value="${unit}">${x
      ? html`<details><summary>${w.change}</summary><input type="hidden" name="change" value="1"><label>${w.changeComment}<textarea name="comment" rows="2" maxlength="2000" required></textarea></label><button type="submit" name="decision" value="approved">${w.approve}</button> <button type="submit" name="decision" value="returned">${w.ret}</button></details>`
      : html`<label>${w.comment}<textarea name="comment" rows="2" maxlength="2000"></textarea></label><button type="submit" name="decision" value="approved">${w.approve}</button> <button type="submit" name="decision" value="returned">${w.ret}</button>`}</form>`;
    return html`${d.unit ? '' : html`<p class="meta">${w.multi}</p>`}<div class="scroll cards"><table class="cards approvals"><thead><tr><th>${w.file}</th>${d.unit ? '' : html`<th>${w.unit}</th>`}<th>${w.periods}</th><th>${w.at}</th><th class="num">${w.values}</th><th>${w.status}</th><th></th></tr></thead>
<tbody>${lines.map(({ r, unit, x }) => html`<tr data-submission="${r.submission_id}" data-unit="${unit}"><td data-label="${w.file}">${r.source_file}${r.units.length > 1 && d.unit ? html`<br><span class="meta">${w.multi}</span>` : ''}</td>${d.unit ? '' : html`<td data-label="${w.unit}">${names.get(unit) ?? unit}</td>`}<td data-label="${w.periods}">${(JSON.parse(String(r.periods)) as string[]).map(periodLabelVi).join(', ')}</td><td data-label="${w.at}">${deps.localTime(r.submitted_at)}</td><td class="num" data-label="${w.values}">${r.row_count}</td><td data-label="${w.status}" data-decision="${x?.decision ?? 'pending'}">${status(x)}${x?.comment ? html` — ${x.comment}` : ''}${x?.decided_by_name ? html` (${x.decided_by_name})` : ''}</td>
<td>${form(r, unit, x)}</td></tr>`)}</tbody></table></div>`;
  }

  app.get('/duyet', async (c) => {
    const d = await decider(c);
    if (d instanceof Response) return d;
    const lang = langOf(c);
    const unit = d.unit ? deps.catalog.catalog.units.find((u) => u.code === d.unit) : null;
    return c.html(renderPage({ lang, title: W[lang].title, otherLangUrl: `/duyet?lang=${lang === 'vi' ? 'en' : 'vi'}` },
      html`<h1>${W[lang].title}${unit ? html` — ${unit.nameVi}` : ''}</h1>${await listing(d, lang)}`));
  });

  app.post('/duyet/:id', async (c) => {
    const d = await decider(c);
    if (d instanceof Response) return d;
    const lang = langOf(c);
    const w = W[lang];
    if (!sameOrigin(c, deps)) return c.text('', 403);
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    // A head decides for their own unit only, whatever the form says; an analyst names the unit.
    const unit = d.unit ?? String(form.unit ?? '');
    const result = isSubmissionId(id) ? await storedResult(deps.store, id) : null;
    if (!result || result.status !== 'accepted' || !result.partitions.some((p) => p.unit === unit)) {
      return c.html(renderNotice(lang, w.title, w.notFound), 404);
    }
    const units = new Set(result.partitions.map((p) => p.unit));
    // A file of one unit is its head's to decide; an analyst decides for files of several.
    if (!d.unit && units.size < 2) return c.html(renderNotice(lang, w.title, w.notHead), 403);
    const decision = { decision: String(form.decision ?? ''), comment: String(form.comment ?? '') || null };
    const wrong = decisionProblem(decision);
    if (wrong) return c.html(renderNotice(lang, w.title, wrong), 400);
    const earlier = (await decisions([id])).get(`${id}|${unit}`);
    const change = form.change === '1';
    if (earlier && !change) return c.html(renderNotice(lang, w.title, w.decided), 409);
    if (change && !decision.comment?.trim()) return c.html(renderNotice(lang, w.title, w.needReason), 400);
    await recordDecision(deps.store, {
      submission_id: id, unit, decision: decision.decision as 'approved' | 'returned', comment: decision.comment, decided_by: d.id, decided_by_name: d.name,
    }, deps.now());
    deps.runner.lakeChanged();
    return c.redirect('/duyet', 303);
  });
}
