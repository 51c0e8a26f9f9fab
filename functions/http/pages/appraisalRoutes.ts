import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../domain/access/tokens.ts';
import { CANONICAL_PERIOD, parsePeriod, shiftPeriod } from '../../domain/ingest/parsePeriod.ts';
import { parseNumberText } from '../../domain/ingest/parseNumber.ts';
import { periodLabelVi } from '../../domain/registry/periods.ts';
import { missingEvidence, type EvidenceRecord } from '../../domain/evidence.ts';
import { listEvidence } from '../../services/evidence.ts';
import { notForYou, pagePrincipal } from '../auth.ts';
import { sameOrigin, type Env, type HttpDeps } from '../context.ts';
import { toRows } from '../tableRows.ts';
import { formatNumber, renderNotice, renderPage } from './renderPages.ts';
import { evidenceList, missingList } from './evidenceRoutes.ts';

/**
 * The province's appraisal of DTI self-assessments, in Vietnamese (the appraisers' language): the
 * units waiting for a period, and one unit's components with the framework's rule and maximum,
 * the value and its points, the unit's own points and explanation, and the evidence files it
 * attached (downloads; a file its explanation names but never attached is flagged); the appraiser sets the
 * appraised points (never above the maximum) and a comment, saves a draft, and completes. A
 * completed appraisal is ingested as the spreadsheet appraisal is (same lake rows, same
 * kpi_assessed), so both paths agree.
 */

const T = {
  title: 'Thẩm định điểm chuyển đổi số', forbidden: 'Trang này dành cho cán bộ thẩm định hoặc chuyên viên của tỉnh.',
  period: 'Kỳ báo cáo', show: 'Xem', none: 'Chưa có đơn vị nào gửi bảng tự chấm điểm của kỳ này.', unit: 'Đơn vị', status: 'Tình trạng',
  selfCount: 'Số chỉ số tự chấm', appraisedCount: 'Đã thẩm định', open: 'Thẩm định', back: 'Về danh sách đơn vị',
  pillar: 'Tiêu chí chính', rule: 'Cách tính', value: 'Giá trị báo cáo', computed: 'Điểm tính từ số liệu', self: 'Điểm tự chấm',
  selfNote: 'Giải trình / tài liệu kiểm chứng', max: 'Điểm tối đa', appraised: (max: string) => `Điểm thẩm định (tối đa ${max})`, comment: 'Nhận xét',
  draft: 'Lưu nháp', complete: 'Hoàn thành thẩm định', saved: 'Đã lưu nháp. Điểm chưa được ghi nhận cho đến khi hoàn thành thẩm định.',
  completed: (unit: string) => `Đã hoàn thành thẩm định ${unit}: điểm thẩm định được dùng trong xếp hạng.`, fix: 'Chưa lưu gì: hãy sửa các ô sau.',
  notUnit: 'Đơn vị này không có chỉ số nào được chấm trong kỳ.', badPeriod: 'Kỳ báo cáo không hợp lệ (ví dụ 2026-Q3).', draftOf: (at: string) => `Bản nháp lưu lúc ${at}.`,
  nothing: 'Chưa nhập điểm thẩm định nào.', empty: '–', evidence: 'Tài liệu kiểm chứng',
};

type Row = Record<string, string | number | boolean | null>;
interface Draft { points: Record<string, string>; comments: Record<string, string>; saved_by: string; saved_at: string }

/** Drafts are the appraiser's work in progress, not facts: kept beside the lake, never read by queries. */
const draftKey = (period: string, unit: string) => `state/appraisal-drafts/${period}/${unit}.json`;
const mayAppraise = (p: Principal) => p.role === 'appraiser' || p.role === 'analyst';

/** A points cell as typed ("12,5", "12.5"): its number, or a reason in Vietnamese. */
export function checkAppraisedPoints(text: string, max: number): { value: number | null } | { error: string } {
  const parsed = parseNumberText(text);
  if (parsed.kind === 'blank') return { value: null };
  if (parsed.kind !== 'number' || parsed.percent) return { error: `"${text}" không phải là số điểm` };
  if (parsed.value < 0) return { error: 'điểm không được âm' };
  if (parsed.value > max + 1e-9) return { error: `${formatNumber(parsed.value, 'vi')} vượt điểm tối đa ${formatNumber(max, 'vi')}` };
  return { value: parsed.value };
}

/** A framework rule as an appraiser reads it: "tỷ lệ", "có/không", "theo bậc: từ 4 → 40 điểm; …". */
export function ruleVi(rule: string): string {
  if (rule === 'ratio') return 'tỷ lệ (tử số / mẫu số × điểm tối đa)';
  if (rule === 'boolean') return 'có / không (có: điểm tối đa)';
  if (rule.startsWith('steps ')) {
    return `theo bậc: ${rule.slice(6).split(';').map((s) => { const [at, pts] = s.split(':'); return `từ ${formatNumber(Number(at), 'vi')} → ${formatNumber(Number(pts), 'vi')} điểm`; }).join('; ')}`;
  }
  return rule;
}

const csvCell = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

export function registerAppraisalRoutes(app: Hono<Env>, deps: HttpDeps): void {
  async function appraiser(c: Context): Promise<Principal | Response> {
    const who = await pagePrincipal(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent(c.req.path + (new URL(c.req.url).search))}`, 303);
    if (!mayAppraise(who)) return notForYou(c, deps, who, T.title, T.forbidden);
    return who;
  }
  const run = async (name: string, params: Record<string, string>): Promise<Row[]> => toRows((await deps.runner.run(deps.queries.get(name)!, params)).table) as Row[];
  const periodOf = (c: Context): string | null => {
    const raw = (c.req.query('period') ?? '').trim();
    if (!raw) return shiftPeriod(`${deps.today().slice(0, 4)}-Q${Math.ceil(Number(deps.today().slice(5, 7)) / 3)}`, -1);
    return CANONICAL_PERIOD.test(raw) ? raw : parsePeriod(raw, { strict: true });
  };
  // What an appraiser sees is not kept by a browser or a proxy.
  app.use('/tham-dinh/*', async (c, next) => { await next(); c.res.headers.set('Cache-Control', 'private, no-store'); });
  app.use('/tham-dinh', async (c, next) => { await next(); c.res.headers.set('Cache-Control', 'private, no-store'); });
  const page = (title: string, body: unknown) => renderPage({ lang: 'vi', title, home: '/tham-dinh', signOut: true, otherLangUrl: null }, html`${body}`);

  app.get('/tham-dinh', async (c) => {
    const who = await appraiser(c);
    if (who instanceof Response) return who;
    const period = periodOf(c);
    if (!period) return c.html(renderNotice('vi', T.title, T.badPeriod), 400);
    const units = await run('dti_appraisal_queue', { period });
    const done = c.req.query('xong');
    return c.html(page(T.title, html`<h1>${T.title}</h1>
<form class="params" method="get" action="/tham-dinh"><div class="field"><label for="period">${T.period}</label><input id="period" name="period" value="${period}" required></div><button type="submit">${T.show}</button></form>
<p class="meta">${periodLabelVi(period)}</p>
${done ? html`<p class="confirm" role="status">${T.completed(done)}</p>` : ''}
${units.length === 0 ? html`<p>${T.none}</p>` : html`<div class="scroll"><table class="cards"><thead><tr><th>${T.unit}</th><th>${T.status}</th><th class="num">${T.selfCount}</th><th class="num">${T.appraisedCount}</th><th></th></tr></thead><tbody>
${units.map((u) => html`<tr data-unit="${u.unit}"><td data-label="${T.unit}">${u.unit_name}</td><td data-label="${T.status}">${u.status}</td><td class="num" data-label="${T.selfCount}">${u.self_components}</td><td class="num" data-label="${T.appraisedCount}">${u.appraised_components}</td><td data-label=""><a href="/tham-dinh/${u.unit}?period=${period}">${T.open}</a></td></tr>`)}
</tbody></table></div>`}`));
  });

  /** One unit's components for the period (the framework's, with its values, self-assessment and appraisal). */
  async function componentsOf(unit: string, period: string): Promise<Row[]> {
    return (await run('dti_scorecards', { period })).filter((r) => r.unit === unit);
  }

  function unitPage(unit: string, period: string, components: Row[], evidence: EvidenceRecord[], values: { points: Record<string, string>; comments: Record<string, string> }, notice: unknown = '') {
    const name = components[0]?.unit_name ?? unit;
    const missing = missingEvidence(components.map((r) => ({ component: String(r.indicator_code), note: r.self_note as string | null })), evidence);
    const componentName = (code: string) => String(components.find((r) => r.indicator_code === code)?.indicator_name ?? code);
    const num = (v: Row[string]) => (v === null || v === undefined || v === '' ? T.empty : formatNumber(Number(v), 'vi'));
    // The unit's value as it reported it: a yes/no indicator says Có/Không, a rate its percent sign.
    const reported = (code: string, v: Row[string]) => {
      const measure = deps.catalog.catalog.indicators.find((i) => i.code === code)?.measure;
      if (v === null || v === undefined || v === '' || measure === 'count' || !measure) return num(v);
      if (measure === 'boolean') return Number(v) ? 'Có' : 'Không';
      return `${num(v)}%`;
    };
    return page(`${T.title}: ${name}`, html`<p class="back"><a href="/tham-dinh?period=${period}">${T.back}</a></p>
<h1>${name}</h1><p class="meta">${periodLabelVi(period)}</p>${notice}${missingList(missing, componentName, 'vi')}
<form method="post" action="/tham-dinh/${unit}?period=${period}">
${components.map((r) => {
    const code = String(r.indicator_code);
    const max = Number(r.max_points);
    return html`<article class="review" data-component="${code}"><h3>${r.indicator_name}</h3>
<p>${T.pillar}: ${r.pillar_name} · ${T.rule}: ${ruleVi(String(r.rule))} · ${T.max}: ${num(r.max_points)}</p>
<p>${T.value}: <span data-value>${reported(code, r.value)}</span> · ${T.computed}: ${num(r.computed_points)}</p>
<p>${T.self}: <strong>${num(r.self_points)}</strong>${r.self_note ? html` · ${T.selfNote}: ${r.self_note}` : ''}</p>
<div class="evidence-files"><p>${T.evidence}:</p>${evidenceList(evidence, code, 'vi', deps.localTime)}</div>
<div class="decide"><p><label for="p-${code}">${T.appraised(formatNumber(max, 'vi'))}</label><input id="p-${code}" name="points_${code}" inputmode="decimal" value="${values.points[code] ?? ''}" class="points"></p>
<p><label for="c-${code}">${T.comment}</label><textarea id="c-${code}" name="comment_${code}" rows="2">${values.comments[code] ?? ''}</textarea></p></div></article>`;
  })}
<div class="decide"><button class="big" type="submit" name="action" value="draft">${T.draft}</button><button class="big approve" type="submit" name="action" value="complete">${T.complete}</button></div>
</form>`);
  }

  app.get('/tham-dinh/:unit', async (c) => {
    const who = await appraiser(c);
    if (who instanceof Response) return who;
    const period = periodOf(c);
    if (!period) return c.html(renderNotice('vi', T.title, T.badPeriod), 400);
    const unit = c.req.param('unit');
    const components = await componentsOf(unit, period);
    if (components.length === 0) return c.html(renderNotice('vi', T.title, T.notUnit), 404);
    const raw = await deps.store.get(draftKey(period, unit));
    const draft = raw ? (JSON.parse(Buffer.from(raw).toString('utf8')) as Draft) : null;
    // Without a draft: the points already appraised (a spreadsheet appraisal, or one completed here).
    const values = draft ?? {
      points: Object.fromEntries(components.filter((r) => r.appraised_points !== null).map((r) => [String(r.indicator_code), formatNumber(Number(r.appraised_points), 'vi')])),
      comments: Object.fromEntries(components.filter((r) => r.appraisal_note).map((r) => [String(r.indicator_code), String(r.appraisal_note)])),
    };
    const notice = c.req.query('nhap') ? html`<p class="confirm" role="status">${T.saved}</p>` : draft ? html`<p class="meta">${T.draftOf(deps.localTime(draft.saved_at))}</p>` : '';
    return c.html(unitPage(unit, period, components, await listEvidence(deps.store, unit, period), values, notice));
  });

  app.post('/tham-dinh/:unit', async (c) => {
    const who = await appraiser(c);
    if (who instanceof Response) return who;
    if (!sameOrigin(c, deps)) return c.html(renderNotice('vi', T.title, T.forbidden), 403);
    const period = periodOf(c);
    if (!period) return c.html(renderNotice('vi', T.title, T.badPeriod), 400);
    const unit = c.req.param('unit');
    const components = await componentsOf(unit, period);
    if (components.length === 0) return c.html(renderNotice('vi', T.title, T.notUnit), 404);
    const evidence = await listEvidence(deps.store, unit, period);
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
    const points: Record<string, string> = {};
    const comments: Record<string, string> = {};
    const checked: { code: string; max: number; value: number; comment: string }[] = [];
    const errors: string[] = [];
    for (const r of components) {
      const code = String(r.indicator_code);
      points[code] = field(`points_${code}`);
      comments[code] = field(`comment_${code}`).slice(0, 1000);
      const result = checkAppraisedPoints(points[code]!, Number(r.max_points));
      if ('error' in result) errors.push(`${r.indicator_name}: ${result.error}`);
      else if (result.value !== null) checked.push({ code, max: Number(r.max_points), value: result.value, comment: comments[code]! });
    }
    const problems = (list: string[]) => html`<div class="notice" role="alert"><p>${T.fix}</p><ul>${list.map((e) => html`<li>${e}</li>`)}</ul></div>`;
    if (errors.length) return c.html(unitPage(unit, period, components, evidence, { points, comments }, problems(errors)), 422);
    if (field('action') !== 'complete') {
      const draft: Draft = { points, comments, saved_by: who.id, saved_at: deps.now().toISOString() };
      await deps.store.put(draftKey(period, unit), JSON.stringify(draft));
      return c.redirect(`/tham-dinh/${unit}?period=${period}&nhap=1`, 303);
    }
    if (checked.length === 0) return c.html(unitPage(unit, period, components, evidence, { points, comments }, problems([T.nothing])), 422);
    // The same file a province's appraiser would send: one row per appraised component.
    const csv = `Đơn vị: ${unit}\nKỳ báo cáo: ${period}\nSTT,Mã chỉ số,Điểm tối đa,Điểm thẩm định,Giải trình\n${checked
      .map((x, i) => [String(i + 1), x.code, String(x.max), String(x.value), csvCell(x.comment)].join(',')).join('\n')}\n`;
    const result = await deps.ingest({ bytes: new TextEncoder().encode(csv), fileName: `tham-dinh-${unit}-${period}.csv`, submittedBy: who.id, mayAppraise: true });
    if (result.status !== 'accepted') return c.html(unitPage(unit, period, components, evidence, { points, comments }, problems(result.errors.map((e) => e.message_vi))), 422);
    await deps.store.delete(draftKey(period, unit));
    deps.runner.lakeChanged();
    return c.redirect(`/tham-dinh?period=${period}&xong=${encodeURIComponent(String(components[0]!.unit_name))}`, 303);
  });
}
