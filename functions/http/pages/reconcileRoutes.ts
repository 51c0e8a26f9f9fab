import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { CANONICAL_PERIOD, parsePeriod } from '../../domain/ingest/parsePeriod.ts';
import { periodLabelVi } from '../../domain/registry/periods.ts';
import { PublicationError } from '../../services/publications.ts';
import { reconcileFile } from '../../services/reconcile.ts';
import { publicationsReader } from '../api/publications.ts';
import { pagePrincipal } from '../auth.ts';
import { sameOrigin, type Env, type HttpDeps } from '../context.ts';
import { pointsVi } from '../pdf/annexModel.ts';
import { periodSelect, periodsWithData } from './periodPicker.ts';
import { formatNumber, renderNotice, renderPage } from './renderPages.ts';

/**
 * /doi-chieu: an analyst uploads an official results table (a decision's annex .xlsx, or a CSV
 * "rank, unit name, total, criteria…") for a period and sees, unit by unit, the published figure
 * beside the one computed from the lake, differences above 0.01 marked. In Vietnamese, the
 * language of the decisions it checks.
 */
const T = {
  title: 'Đối chiếu với kết quả đã công bố', forbidden: 'Trang này dành cho chuyên viên phân tích hoặc quản trị.',
  lead: 'Tải lên bảng kết quả chính thức (phụ lục quyết định .xlsx, hoặc CSV "thứ tự, tên đơn vị, tổng điểm, điểm từng tiêu chí") để so với điểm tính từ dữ liệu.',
  period: 'Kỳ báo cáo', file: 'Bảng kết quả (.xlsx, .csv)', send: 'Đối chiếu', unit: 'Đơn vị', published: 'Đã công bố', computed: 'Tính từ dữ liệu',
  difference: 'Chênh lệch', total: 'Tổng điểm', rank: 'Thứ tự', same: 'Khớp', differs: 'Lệch',
  summary: (units: number, diffs: number) => `${formatNumber(units, 'vi')} đơn vị được đối chiếu; ${formatNumber(diffs, 'vi')} đơn vị lệch quá 0,01 điểm.`,
  unmatched: 'Tên không khớp danh mục (không tự đoán)', notInTable: 'Đơn vị được chấm điểm nhưng không có trong bảng', unknownCriteria: 'Cột tiêu chí không có trong bộ chỉ số',
  badPeriod: 'Kỳ báo cáo không hợp lệ (ví dụ Quý III/2026).', noFile: 'Hãy chọn tệp bảng kết quả.',
};

export function registerReconcileRoutes(app: Hono<Env>, deps: HttpDeps): void {
  const page = (body: unknown) => renderPage({ lang: 'vi', title: T.title, home: '/q', signOut: true, otherLangUrl: null }, html`${body}`);
  const withData = periodsWithData(deps);
  const form = async (period: string) => html`<h1>${T.title}</h1><p class="lead">${T.lead}</p>
<form class="params" method="post" action="/doi-chieu" enctype="multipart/form-data">
<div class="field"><label for="period">${T.period}</label>${periodSelect('period', 'period', await withData(), period || (await withData())[0] || '', 'vi')}</div>
<div class="field wide"><label for="file">${T.file}</label><input id="file" name="file" type="file" accept=".xlsx,.csv" required></div>
<button type="submit">${T.send}</button></form>`;
  async function analyst(c: Context): Promise<Response | null> {
    const who = await pagePrincipal(c, deps);
    if (!who) return c.redirect('/login?next=/q', 303);
    if (who.role !== 'analyst' && who.role !== 'admin') return c.html(renderNotice('vi', T.title, T.forbidden), 403);
    c.header('Cache-Control', 'private, no-store');
    return null;
  }

  app.get('/doi-chieu', async (c) => {
    const refused = await analyst(c);
    if (refused) return refused;
    const asked = (c.req.query('period') ?? '').trim();
    return c.html(page(await form((CANONICAL_PERIOD.test(asked) ? asked : parsePeriod(asked, { strict: true })) ?? '')));
  });

  app.post('/doi-chieu', async (c) => {
    const refused = await analyst(c);
    if (refused) return refused;
    if (!sameOrigin(c, deps)) return c.html(renderNotice('vi', T.title, T.forbidden), 403);
    const body = await c.req.parseBody();
    const raw = typeof body.period === 'string' ? body.period.trim() : '';
    const period = CANONICAL_PERIOD.test(raw) ? raw : parsePeriod(raw, { strict: true });
    const problem = async (text: string, status: 400 | 422) => c.html(page(html`${await form(period ?? '')}<div class="notice" role="alert"><p>${text}</p></div>`), status);
    if (!period) return problem(T.badPeriod, 400);
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) return problem(T.noFile, 400);
    let result;
    try {
      result = await reconcileFile({ bytes: new Uint8Array(await file.arrayBuffer()), fileName: file.name, period }, { read: publicationsReader(deps), catalog: deps.catalog });
    } catch (error) {
      if (error instanceof PublicationError) return problem(`${error.vi}.`, 422);
      throw error;
    }
    const n = (v: number | null) => (v === null ? '–' : formatNumber(v, 'vi'));
    // Points with two decimals, as the annex writes them: differences above 0,01 must be visible.
    const pts = (v: number | null) => (v === null ? '–' : pointsVi(v));
    return c.html(page(html`${await form(period)}<h2>${periodLabelVi(period)}</h2>
<p class="meta" role="status">${T.summary(result.units.length, result.differences)}</p>
<div class="scroll"><table class="cards"><thead><tr><th>${T.unit}</th><th class="num">${T.rank}</th><th class="num">${T.published}</th><th class="num">${T.computed}</th><th class="num">${T.difference}</th><th></th></tr></thead><tbody>
${result.units.map((u) => html`<tr data-unit="${u.unit}" data-differs="${u.differs ? 'yes' : 'no'}"><td data-label="${T.unit}">${u.unit_name}</td><td class="num" data-label="${T.rank}">${n(u.published_rank)} / ${n(u.computed_rank)}</td>
<td class="num" data-label="${T.published}">${pts(u.published_total)}</td><td class="num" data-label="${T.computed}">${pts(u.computed_total)}</td>
<td class="num${u.differs ? ' low' : ''}" data-label="${T.difference}">${pts(u.difference)}${u.criteria.filter((x) => x.differs).map((x) => html`<br>${x.header}: ${pts(x.published)} / ${pts(x.computed)}`)}</td>
<td class="${u.differs ? 'low' : 'ok'}" data-label="">${u.differs ? T.differs : T.same}</td></tr>`)}
</tbody></table></div>
${result.unmatched.length ? html`<h2>${T.unmatched}</h2><ul class="warnings">${result.unmatched.map((u) => html`<li data-unmatched="${u.name}">${u.sheet}, dòng ${u.row}: ${u.vi}</li>`)}</ul>` : ''}
${result.notInTable.length ? html`<h2>${T.notInTable}</h2><ul class="warnings">${result.notInTable.map((u) => html`<li>${u.unit_name}</li>`)}</ul>` : ''}
${result.unknownCriteria.length ? html`<h2>${T.unknownCriteria}</h2><ul class="warnings">${result.unknownCriteria.map((x) => html`<li>${x}</li>`)}</ul>` : ''}`));
  });
}
