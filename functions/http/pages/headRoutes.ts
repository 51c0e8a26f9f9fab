import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { shiftPeriod } from '../../domain/ingest/parsePeriod.ts';
import { isSubmissionId, lakeKeys } from '../../domain/lakeKeys.ts';
import { readParquetRows } from '../../adapters/parquet/readParquet.ts';
import { decisionProblem, recordDecision } from '../../services/approvals.ts';
import { storedResult, type IngestResult } from '../../services/ingestFile.ts';
import { homeOf, notForYou, pagePrincipal } from '../auth.ts';
import { sameOrigin, type Env, type HttpDeps } from '../context.ts';
import { toRows } from '../render.ts';
import { warningText } from './clerkPages.ts';
import { formatDate, formatNumber, langOf, periodLabel, renderNotice, renderPage, type Lang } from './renderPages.ts';

const W = {
  vi: {
    title: 'Duyệt báo cáo', off: 'Đơn vị triển khai không yêu cầu duyệt báo cáo.', notHead: 'Trang này dành cho lãnh đạo một đơn vị hoặc chuyên viên của tỉnh.',
    file: 'Tệp', unit: 'Đơn vị', periods: 'Kỳ', at: 'Nhận lúc', values: 'Số giá trị', status: 'Tình trạng', none: 'Chưa có báo cáo nào được nhận.',
    approve: 'Duyệt', ret: 'Trả lại', comment: 'Ý kiến', returnReason: 'Lý do trả lại (bắt buộc)', pending: 'Chờ duyệt', approved: 'Đã duyệt', approvedOnSwitch: 'Đã duyệt (khi bật duyệt)', returned: 'Đã trả lại',
    change: 'Đổi quyết định', changeComment: 'Lý do đổi quyết định (bắt buộc)', multi: 'Tệp của nhiều đơn vị: mỗi đơn vị được duyệt riêng.',
    decided: 'Báo cáo này đã có quyết định; muốn đổi, hãy dùng "Đổi quyết định" và ghi lý do.', notFound: 'Không có báo cáo này của đơn vị.',
    needReason: 'Đổi quyết định cần ghi lý do.', waiting: 'Chờ duyệt', done: 'Đã quyết định', nothingWaiting: 'Không có báo cáo nào chờ duyệt.',
    indicator: 'Chỉ tiêu', value: 'Số liệu', previous: 'Kỳ trước', num: 'Tử số', den: 'Mẫu số', openFile: 'Mở tệp',
    approveAll: (n: number) => `Duyệt tất cả ${n} báo cáo đang chờ`, confirmed: (what: string, file: string) => `${what}: ${file}.`, allDone: (n: string) => `Đã duyệt ${n} báo cáo.`,
    withdrawn: 'rút', yes: 'Có', no: 'Không', back: 'Về trang duyệt', pendingMark: 'chờ duyệt',
    warnings: 'Cảnh báo chất lượng (so với số liệu đã duyệt):', whole: 'Cả kỳ', explained: 'Giải trình của đơn vị', unexplained: 'Đơn vị chưa giải trình',
  },
  en: {
    title: 'Approve reports', off: 'This deployment does not ask for reports to be approved.', notHead: 'This page is for a unit\'s head or the province\'s analysts.',
    file: 'File', unit: 'Unit', periods: 'Periods', at: 'Received', values: 'Values', status: 'Status', none: 'No report has been accepted yet.',
    approve: 'Approve', ret: 'Return', comment: 'Comment', returnReason: 'Why it is returned (required)', pending: 'Waiting', approved: 'Approved', approvedOnSwitch: 'Approved (when approval was switched on)', returned: 'Returned',
    change: 'Change the decision', changeComment: 'Why the decision changes (required)', multi: 'A file of several units: each unit is decided on its own.',
    decided: 'This report was decided already; to change it, use "Change the decision" and say why.', notFound: 'No such report of this unit.',
    needReason: 'Changing a decision needs a reason.', waiting: 'Waiting for approval', done: 'Decided', nothingWaiting: 'No report is waiting for approval.',
    indicator: 'Indicator', value: 'Value', previous: 'Previous period', num: 'Numerator', den: 'Denominator', openFile: 'Open the file',
    approveAll: (n: number) => `Approve all ${n} waiting reports`, confirmed: (what: string, file: string) => `${what}: ${file}.`, allDone: (n: string) => `${n} reports approved.`,
    withdrawn: 'withdrawn', yes: 'Yes', no: 'No', back: 'Back to approvals', pendingMark: 'waiting',
    warnings: 'Quality warnings (against approved figures):', whole: 'The whole period', explained: 'The unit\'s explanation', unexplained: 'Not explained by the unit yet',
  },
};

/** Who decides: a unit's head for that unit's rows, or an analyst for any unit of a file of several. */
interface Decider { id: string; name: string; unit: string | null }

interface Row { submission_id: string; source_file: string; periods: string[]; row_count: number; submitted_at: string; units: string[] }
/** A decision in force; `approved_on_switch`: sent before approval was switched on, counted approved (kpi_accepted). */
interface Decided { decision: string; comment: string | null; decided_by_name: string; approved_on_switch?: unknown }
// A boolean column as either engine hands it back (Athena's results are text).
const onSwitch = (x: Decided) => String(x.approved_on_switch) === 'true';
/** The previous period's value shown beside a waiting report's: approved, or itself still waiting. */
interface Previous { value: unknown; pending: boolean }

/**
 * Approval, unit by unit: a head decides for the rows of their own unit of any file (a district
 * file's other units wait for their own heads, or for an analyst); a decision changes only
 * through an explicit, recorded re-decision with its reason. Each waiting report is shown with
 * its values beside the previous period's, so nothing is approved blind. While approval is
 * required, leaders' pages and rankings read approved rows only (kpi_accepted).
 */
export function registerHeadRoutes(app: Hono<Env>, deps: HttpDeps): void {
  async function decider(c: Context): Promise<Decider | Response> {
    const lang = langOf(c);
    const who = await pagePrincipal(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
    const isHead = who.role === 'head' && who.unit;
    if (!isHead && who.role !== 'analyst') return notForYou(c, deps, who, W[lang].title, W[lang].notHead);
    if (!(await deps.settings.approval()).required) return c.html(renderNotice(lang, W[lang].title, W[lang].off, await homeOf(who, deps)), 404);
    return { id: who.id, name: who.name, unit: isHead ? who.unit : null };
  }

  /** A saved query of sql/ (the SQL of these pages lives there, like every other query's). */
  async function run(name: string, params: Record<string, string>): Promise<Record<string, unknown>[]> {
    const query = deps.queries.get(name);
    if (!query) throw new Error(`saved query ${name} is missing from sql/`);
    return toRows((await deps.runner.run(query, params)).table);
  }

  /** A file's decisions so far, by unit (sql/submission_decisions.sql). */
  async function decisionsOf(id: string): Promise<Map<string, Decided>> {
    return new Map((await run('submission_decisions', { submission: id })).map((r) => [String(r.unit), r as unknown as Decided]));
  }

  /**
   * A head: files with rows of the unit. An analyst: files of several units (one unit's file is
   * its head's). Each with the decisions already made, by `submission|unit` (sql/approval_queue.sql),
   * a report sent before approval was turned on with earlier reports approved counting as approved.
   */
  async function submissionsFor(d: Decider): Promise<{ rows: Row[]; decided: Map<string, Decided> }> {
    const found = await run('approval_queue', { unit: d.unit ?? '' });
    const rows = new Map<string, Row>();
    const decided = new Map<string, Decided>();
    for (const r of found) {
      const id = String(r.submission_id);
      if (!rows.has(id)) {
        rows.set(id, {
          submission_id: id, source_file: String(r.source_file), row_count: Number(r.row_count), submitted_at: String(r.submitted_at),
          periods: JSON.parse(String(r.periods)) as string[], units: JSON.parse(String(r.units)) as string[],
        });
      }
      if (r.decided_unit) decided.set(`${id}|${r.decided_unit}`, r as unknown as Decided);
    }
    return { rows: [...rows.values()], decided };
  }

  /** The unit's values in a submission beside the previous period's current ones: what the head checks. */
  async function valuesTable(id: string, unit: string, periods: string[], lang: Lang) {
    const w = W[lang];
    const rows: Record<string, unknown>[] = [];
    for (const period of periods) {
      const bytes = await deps.store.get(lakeKeys.kpiValues(unit, period, id));
      if (bytes) rows.push(...(await readParquetRows(bytes)).filter((r) => r.assessment === null || r.assessment === undefined));
    }
    if (rows.length === 0) return '';
    const previous = await previousValues(unit, periods);
    const indicators = new Map(deps.catalog.catalog.indicators.map((i) => [i.code, i]));
    const shown = (code: string, v: unknown) => {
      if (v === null || v === undefined) return '–';
      if (indicators.get(code)?.measure === 'boolean') return Number(v) >= 1 ? w.yes : w.no;
      return formatNumber(Number(v), lang);
    };
    const count = (v: unknown) => (v === null || v === undefined ? '' : formatNumber(Number(v), lang));
    return html`<div class="scroll cards" tabindex="0" role="group" aria-label="${w.values}"><table class="cards review-values"><thead><tr><th>${w.indicator}</th><th class="num">${w.value}</th><th class="num">${w.previous}</th><th class="num">${w.num}</th><th class="num">${w.den}</th></tr></thead>
<tbody>${rows.sort((a, b) => Number(a.source_row) - Number(b.source_row)).map((v) => {
      const code = String(v.indicator_code);
      const indicator = indicators.get(code);
      return html`<tr data-indicator="${code}"><td data-label="${w.indicator}">${lang === 'vi' ? indicator?.shortNameVi : indicator?.shortNameEn}</td><td class="num" data-label="${w.value}">${v.value === null ? w.withdrawn : shown(code, v.value)}</td><td class="num" data-label="${w.previous}">${previousCell(previous.get(`${v.period}|${code}`), (x) => shown(code, x), lang)}</td><td class="num" data-label="${w.num}">${count(v.numerator)}</td><td class="num" data-label="${w.den}">${count(v.denominator)}</td></tr>`;
    })}</tbody></table></div>`;
  }

  /**
   * The quality warnings this report's values raise for the unit, as they will stand once approved
   * (sql/pending_warnings.sql: against the approved previous period and the other units), each with
   * the unit's explanation: the head sees before deciding what leaders would see after.
   */
  async function warningsList(id: string, unit: string, periods: string[], lang: Lang) {
    const w = W[lang];
    const rows = (await Promise.all(periods.map(async (period) => (await run('pending_warnings', { period, unit })).map((r): Record<string, unknown> & { period: string } => ({ ...r, period })))))
      .flat().filter((r) => r.submission_id === id || (r.submission_id === null && String(r.pending) === 'true'));
    if (rows.length === 0) return '';
    const indicators = new Map(deps.catalog.catalog.indicators.map((i) => [i.code, i]));
    return html`<section class="warnings"><p><b>${w.warnings}</b></p><ul class="warnings">${rows.map((r) => {
      const indicator = r.indicator_code ? indicators.get(String(r.indicator_code)) : null;
      const what = indicator ? (lang === 'vi' ? indicator.shortNameVi : indicator.shortNameEn) : w.whole;
      return html`<li data-kind="${r.kind}" data-indicator="${r.indicator_code ?? ''}"><b>${what}</b> (${periodLabel(r.period, lang)}): ${warningText(r, lang)}
${r.explanation ? html`<p class="explained">${w.explained}: ${r.explanation}</p>` : html`<p class="meta">${w.unexplained}</p>`}</li>`;
    })}</ul></section>`;
  }

  /**
   * The previous period's value of each indicator, by `period|indicator`: the approved one, or,
   * when that period's report still waits for this head (reports are approved oldest first), its
   * value marked as waiting: a head compares with what the unit said last, not with a blank.
   * A returned report's values are not shown: the head said they were wrong.
   */
  async function previousValues(unit: string, periods: string[]): Promise<Map<string, Previous>> {
    const previous = new Map<string, Previous>();
    for (const period of periods) {
      const before = shiftPeriod(period, -1);
      for (const r of await run('unit_values', { unit, period: before })) previous.set(`${period}|${r.indicator_code}`, { value: r.value, pending: false });
      // sql/pending_values.sql is for analysts by name; a head sees their own unit's here.
      for (const r of await run('pending_values', { unit, period: before })) {
        if (r.status_code === 'pending') previous.set(`${period}|${r.indicator_code}`, { value: r.value, pending: true });
      }
    }
    return previous;
  }

  const previousCell = (p: Previous | undefined, shown: (v: unknown) => string, lang: Lang) => (p?.pending
    ? html`<span data-previous-pending>${shown(p.value)} <span class="pending-mark">${W[lang].pendingMark}</span></span>`
    : shown(p?.value));

  const unitName = (code: string, lang: Lang) => { const u = deps.catalog.catalog.units.find((x) => x.code === code); return (lang === 'vi' ? u?.nameVi : u?.nameEn || u?.nameVi) ?? code; };

  /** Two forms, far apart: approve at once, or return with the reason written in place. */
  const decisionForms = (r: Row, unit: string, lang: Lang) => {
    const w = W[lang];
    return html`<div class="decide"><form method="post" action="/duyet/${r.submission_id}"><input type="hidden" name="unit" value="${unit}"><input type="hidden" name="decision" value="approved"><button type="submit" class="big approve">${w.approve}</button></form>
<form method="post" action="/duyet/${r.submission_id}" class="return"><input type="hidden" name="unit" value="${unit}"><input type="hidden" name="decision" value="returned"><label>${w.returnReason}<textarea name="comment" rows="2" maxlength="2000" required></textarea></label><button type="submit" class="big ret">${w.ret}</button></form></div>`;
  };

  const changeForm = (r: Row, unit: string, lang: Lang) => {
    const w = W[lang];
    return html`<details class="change"><summary>${w.change}</summary><form method="post" action="/duyet/${r.submission_id}"><input type="hidden" name="unit" value="${unit}"><input type="hidden" name="change" value="1"><label>${w.changeComment}<textarea name="comment" rows="2" maxlength="2000" required></textarea></label><div class="change-buttons"><button type="submit" name="decision" value="approved" class="big approve">${w.approve}</button><button type="submit" name="decision" value="returned" class="big ret">${w.ret}</button></div></form></details>`;
  };

  async function listing(d: Decider, lang: Lang) {
    const w = W[lang];
    const { rows, decided } = await submissionsFor(d);
    if (rows.length === 0) return html`<p class="meta">${w.none}</p>`;
    const lines = rows.flatMap((r) => (d.unit ? [d.unit] : r.units).map((unit) => ({ r, unit, x: decided.get(`${r.submission_id}|${unit}`) })));
    // Oldest period first: a head reads Quý I before Quý II, as the reports were due.
    const waiting = lines.filter((l) => !l.x).sort((a, b) => (a.r.periods[0] ?? '').localeCompare(b.r.periods[0] ?? ''));
    const done = lines.filter((l) => l.x);
    const status = (x: Decided) => (onSwitch(x) ? w.approvedOnSwitch : x.decision === 'approved' ? w.approved : w.returned);
    const cards = await Promise.all(waiting.map(async ({ r, unit }) => html`<article class="review" data-submission="${r.submission_id}" data-unit="${unit}">
<h3>${d.unit ? '' : html`${unitName(unit, lang)} · `}${r.periods.map((p) => periodLabel(p, lang)).join(', ')}</h3>
<p class="meta">${w.at} ${formatDate(deps.localTime(r.submitted_at))} · <a href="/nop/tep/${r.submission_id}">${r.source_file}</a>${r.units.length > 1 ? html` · ${w.multi}` : ''}</p>
${await valuesTable(r.submission_id, unit, r.periods, lang)}${await warningsList(r.submission_id, unit, r.periods, lang)}${decisionForms(r, unit, lang)}</article>`));
    const all = waiting.length > 1 ? html`<form method="post" action="/duyet/tat-ca" class="approve-all">${waiting.map(({ r, unit }) => html`<input type="hidden" name="item" value="${r.submission_id}|${unit}">`)}<button type="submit" class="big approve">${w.approveAll(waiting.length)}</button></form>` : '';
    return html`<h2>${w.waiting} (${waiting.length})</h2>${waiting.length ? html`${all}${cards}` : html`<p class="meta">${w.nothingWaiting}</p>`}
${done.length ? html`<h2>${w.done}</h2><div class="scroll cards" tabindex="0" role="group" aria-label="${w.done}"><table class="cards approvals"><thead><tr><th>${w.file}</th>${d.unit ? '' : html`<th>${w.unit}</th>`}<th>${w.periods}</th><th>${w.at}</th><th>${w.status}</th><th></th></tr></thead>
<tbody>${done.map(({ r, unit, x }) => html`<tr data-submission="${r.submission_id}" data-unit="${unit}"><td data-label="${w.file}"><a href="/nop/tep/${r.submission_id}">${r.source_file}</a></td>${d.unit ? '' : html`<td data-label="${w.unit}">${unitName(unit, lang)}</td>`}<td data-label="${w.periods}">${r.periods.map((p) => periodLabel(p, lang)).join(', ')}</td><td data-label="${w.at}">${formatDate(deps.localTime(r.submitted_at))}</td><td data-label="${w.status}" data-decision="${x!.decision}"${onSwitch(x!) ? ' data-on-switch' : ''}>${status(x!)}${x!.comment ? html` — ${x!.comment}` : ''}${x!.decided_by_name ? html` (${x!.decided_by_name})` : ''}</td><td>${changeForm(r, unit, lang)}</td></tr>`)}</tbody></table></div>` : ''}`;
  }

  app.get('/duyet', async (c) => {
    const d = await decider(c);
    if (d instanceof Response) return d;
    const lang = langOf(c);
    const w = W[lang];
    const unit = d.unit ? deps.catalog.catalog.units.find((u) => u.code === d.unit) : null;
    // After a decision: what was decided, said once at the top (the list below already shows it).
    const done = c.req.query('kq');
    const file = c.req.query('tep') ?? '';
    const banner = done === 'approved' || done === 'returned' || done === 'all'
      ? html`<p class="confirm" role="status">${done === 'all' ? w.allDone(file) : w.confirmed(done === 'returned' ? w.returned : w.approved, file)}</p>` : '';
    return c.html(renderPage({ lang, title: w.title, otherLangUrl: `/duyet?lang=${lang === 'vi' ? 'en' : 'vi'}`, home: '/duyet', signOut: true },
      html`<h1>${w.title}${unit ? html` — ${lang === 'vi' ? unit.nameVi : unit.nameEn || unit.nameVi}` : ''}</h1>${banner}${await listing(d, lang)}`));
  });

  /** Where to go after a decision: the list, with what was decided (same language). */
  const afterDecision = (lang: Lang, kq: string, file: string) => `/duyet?${new URLSearchParams({ kq, tep: file, ...(lang === 'en' ? { lang } : {}) })}`;

  /** Records one decision, or says why not. */
  async function decide(d: Decider, id: string, unitAsked: string, decision: { decision: string; comment: string | null }, change: boolean, lang: Lang): Promise<{ status: 400 | 403 | 404 | 409; message: string } | { result: IngestResult }> {
    const w = W[lang];
    // A head decides for their own unit only, whatever the form says; an analyst names the unit.
    const unit = d.unit ?? unitAsked;
    const result = isSubmissionId(id) ? await storedResult(deps.store, id) : null;
    if (!result || result.status !== 'accepted' || !result.partitions.some((p) => p.unit === unit)) return { status: 404, message: w.notFound };
    // A file of one unit is its head's to decide; an analyst decides for files of several.
    if (!d.unit && new Set(result.partitions.map((p) => p.unit)).size < 2) return { status: 403, message: w.notHead };
    const wrong = decisionProblem(decision);
    if (wrong) return { status: 400, message: wrong[lang] };
    const earlier = (await decisionsOf(id)).get(unit);
    if (earlier && !change) return { status: 409, message: w.decided };
    if (change && !decision.comment?.trim()) return { status: 400, message: w.needReason };
    await recordDecision(deps.store, {
      submission_id: id, unit, decision: decision.decision as 'approved' | 'returned', comment: decision.comment, decided_by: d.id, decided_by_name: d.name,
    }, deps.now());
    return { result };
  }

  const backLink = (lang: Lang) => html`<p><a href="/duyet${lang === 'en' ? '?lang=en' : ''}">${W[lang].back}</a></p>`;

  // Every report still waiting, approved at once: one decision per report and unit, each recorded.
  app.post('/duyet/tat-ca', async (c) => {
    const d = await decider(c);
    if (d instanceof Response) return d;
    const lang = langOf(c);
    if (!sameOrigin(c, deps)) return c.text('', 403);
    const form = await c.req.parseBody({ all: true });
    const items = ([] as unknown[]).concat(form.item ?? []).map(String).slice(0, 500);
    let approved = 0;
    for (const item of items) {
      const [id = '', unit = ''] = item.split('|');
      const done = await decide(d, id, unit, { decision: 'approved', comment: null }, false, lang);
      if ('result' in done) approved++;
    }
    if (approved) deps.runner.lakeChanged();
    return c.redirect(afterDecision(lang, 'all', String(approved)), 303);
  });

  app.post('/duyet/:id', async (c) => {
    const d = await decider(c);
    if (d instanceof Response) return d;
    const lang = langOf(c);
    if (!sameOrigin(c, deps)) return c.text('', 403);
    const form = await c.req.parseBody();
    const decision = { decision: String(form.decision ?? ''), comment: String(form.comment ?? '') || null };
    const done = await decide(d, c.req.param('id'), String(form.unit ?? ''), decision, form.change === '1', lang);
    if (!('result' in done)) return c.html(renderPage({ lang, title: W[lang].title, otherLangUrl: `/duyet?lang=${lang === 'vi' ? 'en' : 'vi'}`, home: '/duyet', signOut: true }, html`<div class="notice" role="alert"><h1>${W[lang].title}</h1><p>${done.message}</p>${backLink(lang)}</div>`), done.status);
    deps.runner.lakeChanged();
    return c.redirect(afterDecision(lang, decision.decision, done.result.file), 303);
  });
}
