import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../domain/access/tokens.ts';
import { CANONICAL_PERIOD } from '../../domain/ingest/parsePeriod.ts';
import { lakeKeys } from '../../domain/lakeKeys.ts';
import { periodLabelVi } from '../../domain/registry/periods.ts';
import { readParquetRows } from '../../adapters/parquet/readParquet.ts';
import { fileNameProblem, storedResult, type IngestResult } from '../../services/ingestFile.ts';
import { IngestQueueFullError } from '../../services/ingestQueue.ts';
import { explanationProblem, recordExplanation, type Explanation } from '../../services/explanations.ts';
import { pagePrincipal } from '../auth.ts';
import { admitUpload } from '../bodyLimits.ts';
import { sameOrigin, type Env, type HttpDeps } from '../context.ts';
import { lazy } from '../lazy.ts';
import { toRows } from '../render.ts';
import { formatNumber, langOf, renderNotice, renderPage, type Lang } from './renderPages.ts';

const W = {
  vi: {
    title: 'Nộp báo cáo', send: 'Gửi báo cáo', file: 'Chọn tệp báo cáo (.xlsx hoặc .csv)', template: 'Tải mẫu', templateFor: 'Mẫu báo cáo cho kỳ', download: 'Tải mẫu .xlsx',
    history: 'Báo cáo đã nộp', none: 'Chưa nộp báo cáo nào.', accepted: 'Đã nhận', rejected: 'Bị từ chối', again: 'Tệp này đã được nhận trước đó; không ghi thêm.',
    period: 'Kỳ', at: 'Thời điểm', by: 'Người gửi', status: 'Trạng thái', fileCol: 'Tệp', values: 'Các giá trị đã đọc được — hãy kiểm tra lại:',
    indicator: 'Chỉ tiêu', value: 'Giá trị', num: 'Tử số', den: 'Mẫu số', errors: 'Lỗi cần sửa, theo dòng:', row: 'Dòng', sheet: 'Trang', back: 'Nộp tệp khác',
    noUnit: 'Tài khoản này không gắn với đơn vị nào; trang nộp báo cáo dành cho cán bộ của một đơn vị.', busy: 'Máy chủ đang xử lý nhiều tệp; hãy gửi lại sau ít phút.',
    withdrawn: 'rút',
    approvedByHead: 'Lãnh đạo đã duyệt', returnedByHead: 'Lãnh đạo trả lại', awaitingHead: 'Chờ lãnh đạo duyệt',
    warnings: 'Cảnh báo — số liệu vẫn được nhận, nhưng nên xem lại hoặc giải trình:', explain: 'Gửi giải trình', explained: 'Đã giải trình', explainLabel: 'Giải trình (vì sao số liệu như vậy)',
  },
  en: {
    title: 'Submit a report', send: 'Send the report', file: 'Choose the report file (.xlsx or .csv)', template: 'Template', templateFor: 'Report template for the period', download: 'Download .xlsx template',
    history: 'Reports sent', none: 'No reports yet.', accepted: 'Accepted', rejected: 'Rejected', again: 'This file was accepted before; nothing was added.',
    period: 'Period', at: 'Time', by: 'Sent by', status: 'Status', fileCol: 'File', values: 'The values as read — please check them:',
    indicator: 'Indicator', value: 'Value', num: 'Numerator', den: 'Denominator', errors: 'Errors to fix, by row:', row: 'Row', sheet: 'Sheet', back: 'Send another file',
    noUnit: 'This account belongs to no unit; the report pages are for a unit\'s staff.', busy: 'The server is processing many files; send it again in a few minutes.',
    withdrawn: 'withdrawn',
    approvedByHead: 'Approved by the head', returnedByHead: 'Returned by the head', awaitingHead: 'Waiting for the head\'s approval',
    warnings: 'Warnings — the figures are accepted, but worth a second look or an explanation:', explain: 'Send the explanation', explained: 'Explained', explainLabel: 'Explanation (why the figure is so)',
  },
};

/** The periods a clerk picks a template for: this quarter and the eight before it. */
function recentQuarters(today: string): string[] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  let year = y;
  let q = Math.floor((m - 1) / 3) + 1;
  const out: string[] = [];
  for (let i = 0; i < 9; i++) {
    out.push(`${year}-Q${q}`);
    if (--q === 0) { q = 4; year--; }
  }
  return out;
}

/**
 * The pages of a unit's data staff (`/nop`), with no terminal: send a file from a form and read
 * the answer (the values as read, or every error by row), see the unit's reports and download
 * each again, and download a template for a period. Staff sign in at /login with their token.
 */
export function registerClerkRoutes(app: Hono<Env>, deps: HttpDeps): void {
  async function clerk(c: Context): Promise<{ who: Principal; unit: NonNullable<ReturnType<typeof unitOf>> } | Response> {
    const who = await pagePrincipal(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
    const unit = unitOf(who);
    if (!unit) return c.html(renderNotice(langOf(c), W[langOf(c)].title, W[langOf(c)].noUnit), 403);
    return { who, unit };
  }
  const unitOf = (who: Principal) => (who.unit ? deps.catalog.catalog.units.find((u) => u.code === who.unit) : undefined);

  const frame = (lang: Lang, title: string) => ({ lang, title, otherLangUrl: `/nop?lang=${lang === 'vi' ? 'en' : 'vi'}` });

  async function history(unit: string, lang: Lang) {
    const tokens = await deps.tokens();
    const staff = tokens.filter((t) => t.unit === unit);
    const names = new Map(tokens.map((t) => [t.id, t.name]));
    const params: Record<string, string> = { pattern: `%"${unit}"%`, unit };
    const approvalRequired = (await deps.settings.approval()).required;
    staff.forEach((t, i) => { params[`by${i}`] = t.id; });
    const table = await deps.runner.runSql(
      // DISTINCT: while Athena's compaction swaps manifests a record may be listed twice.
      `SELECT DISTINCT s.submission_id, s.source_file, s.status, s.periods, s.row_count, s.error_count, s.submitted_by, s.submitted_at, a.decision, a.comment
       FROM submissions s LEFT JOIN approval_state a ON a.submission_id = s.submission_id AND a.unit = :unit
       WHERE s.units LIKE :pattern${staff.map((_, i) => ` OR s.submitted_by = :by${i}`).join('')}
       ORDER BY s.submitted_at DESC, s.submission_id DESC LIMIT 200`,
      params,
    );
    const rows = toRows(table);
    const w = W[lang];
    return html`<h2>${w.history}</h2>${rows.length === 0 ? html`<p class="meta">${w.none}</p>` : html`<div class="scroll"><table class="history"><thead><tr><th>${w.at}</th><th>${w.period}</th><th>${w.fileCol}</th><th>${w.status}</th><th>${w.by}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-submission="${r.submission_id}"><td>${deps.localTime(r.submitted_at as string)}</td><td>${(JSON.parse(String(r.periods)) as string[]).join(', ')}</td>
<td><a href="/nop/tep/${r.submission_id}">${r.source_file}</a></td><td class="status ${r.status}">${r.status === 'accepted' ? `${w.accepted} (${r.row_count})` : `${w.rejected} (${r.error_count})`}${r.status === 'accepted' && approvalRequired ? html`<br><span class="approval" data-decision="${r.decision ?? 'pending'}">${r.decision === 'approved' ? w.approvedByHead : r.decision === 'returned' ? `${w.returnedByHead}: ${r.comment ?? ''}` : w.awaitingHead}</span>` : ''}</td><td>${names.get(String(r.submitted_by)) ?? r.submitted_by ?? ''}</td></tr>`)}</tbody></table></div>`}`;
  }

  const forms = (lang: Lang) => {
    const w = W[lang];
    return html`<section class="share"><h2>${w.send}</h2><form method="post" action="/nop" enctype="multipart/form-data">
<label>${w.file}<input type="file" name="file" accept=".xlsx,.csv" required></label><button type="submit">${w.send}</button></form></section>
<section class="share"><h2>${w.template}</h2><form method="get" action="/nop/mau"><label>${w.templateFor}<select name="period">${recentQuarters(deps.today()).map((p, i) => html`<option value="${p}"${i === 1 ? html` selected` : ''}>${periodLabelVi(p)}</option>`)}</select></label><button type="submit">${w.download}</button></form></section>`;
  };

  /** The quality warnings of a unit's periods, each with its explanation or a form to give one. */
  async function warnings(unit: string, periods: string[], lang: Lang) {
    const query = deps.queries.get('quality_warnings');
    if (!query || periods.length === 0) return '';
    const rows: Record<string, unknown>[] = (await Promise.all(periods.map(async (period) => toRows((await deps.runner.run(query, { period })).table)
      .map((r): Record<string, unknown> => ({ ...r, period }))))).flat().filter((r) => r.unit === unit);
    if (rows.length === 0) return '';
    const indicators = new Map(deps.catalog.catalog.indicators.map((i) => [i.code, i]));
    const w = W[lang];
    return html`<section class="warnings"><h2>${w.warnings}</h2><ul class="warnings">${rows.map((r) => {
      const indicator = r.indicator_code ? indicators.get(String(r.indicator_code)) : null;
      const what = indicator ? (lang === 'vi' ? indicator.shortNameVi : indicator.shortNameEn) : (lang === 'vi' ? 'Cả báo cáo' : 'The whole report');
      return html`<li data-kind="${r.kind}" data-indicator="${r.indicator_code ?? ''}"><b>${what}</b> (${periodLabelVi(String(r.period))}): ${lang === 'vi' ? r.message : r.message_en}
${r.explanation ? html`<p class="explained">${w.explained}: ${r.explanation}</p>` : html`<form method="post" action="/nop/giai-trinh"><input type="hidden" name="period" value="${r.period}"><input type="hidden" name="indicator" value="${r.indicator_code ?? ''}"><input type="hidden" name="kind" value="${r.kind}"><label>${w.explainLabel}<textarea name="explanation" rows="2" maxlength="2000" required></textarea></label><button type="submit">${w.explain}</button></form>`}</li>`;
    })}</ul></section>`;
  }

  /** The periods a unit reported most recently (their warnings are what it may still explain). */
  async function recentPeriods(unit: string): Promise<string[]> {
    const rows = toRows(await deps.runner.runSql('SELECT DISTINCT period FROM kpi_current WHERE unit = :unit ORDER BY period DESC LIMIT 4', { unit }));
    return rows.map((r) => String(r.period));
  }

  app.get('/nop', async (c) => {
    const r = await clerk(c);
    if (r instanceof Response) return r;
    const lang = langOf(c);
    return c.html(renderPage(frame(lang, W[lang].title), html`<h1>${W[lang].title} — ${r.unit.nameVi}</h1>${forms(lang)}${await warnings(r.unit.code, await recentPeriods(r.unit.code), lang)}${await history(r.unit.code, lang)}`));
  });

  // A clerk's explanation of a warning: kept beside the value, shown to analysts with it.
  app.post('/nop/giai-trinh', async (c) => {
    const r = await clerk(c);
    if (r instanceof Response) return r;
    const lang = langOf(c);
    if (!sameOrigin(c, deps)) return c.text('', 403);
    const form = await c.req.parseBody();
    const explanation = {
      unit: r.unit.code, period: String(form.period ?? ''), indicator_code: String(form.indicator ?? '') || null,
      kind: String(form.kind ?? '') as Explanation['kind'], explanation: String(form.explanation ?? ''), explained_by: r.who.id,
    };
    const wrong = explanationProblem(explanation, new Set(deps.catalog.catalog.indicators.map((i) => i.code)));
    if (wrong) return c.html(renderNotice(lang, W[lang].title, wrong), 400);
    await recordExplanation(deps.store, explanation, deps.now());
    deps.runner.lakeChanged();
    return c.redirect('/nop', 303);
  });

  const busy = (c: Context, lang: Lang, error: unknown) => {
    if (!(error instanceof IngestQueueFullError)) throw error;
    c.header('Retry-After', String(error.retryAfterSeconds));
    return c.html(renderNotice(lang, W[lang].title, W[lang].busy), 503);
  };

  // The body's size is capped by bodyLimits.ts (app.ts); room in the queue is taken before it is read.
  app.post('/nop', async (c) => {
    const r = await clerk(c);
    if (r instanceof Response) return r;
    const lang = langOf(c);
    if (!sameOrigin(c, deps)) return c.text('', 403);
    let admission;
    try {
      admission = admitUpload(c, deps, { submittedBy: r.who.id, allowedUnits: [r.unit.code] });
    } catch (error) {
      return busy(c, lang, error);
    }
    let result: IngestResult;
    try {
      const form = await c.req.parseBody();
      const file = form.file;
      if (!(file instanceof File) || file.size === 0 || fileNameProblem(file.name)) {
        return c.html(renderNotice(lang, W[lang].title, lang === 'vi' ? 'Chưa chọn tệp, hoặc tệp rỗng.' : 'No file chosen, or the file is empty.'), 400);
      }
      result = await admission.ingest({ bytes: new Uint8Array(await file.arrayBuffer()), fileName: file.name, submittedBy: r.who.id, allowedUnits: [r.unit.code], mayAppraise: false });
    } catch (error) {
      return busy(c, lang, error);
    } finally {
      admission.release();
    }
    deps.runner.lakeChanged();
    const warned = result.status === 'accepted' && !result.duplicate_of
      ? await warnings(r.unit.code, [...new Set(result.partitions.filter((p) => p.unit === r.unit.code).map((p) => p.period))], lang) : '';
    return c.html(renderPage(frame(lang, W[lang].title), html`<h1>${result.status === 'accepted' ? W[lang].accepted : W[lang].rejected}: ${result.file}</h1>
${await answer(result, lang)}${warned}<p><a href="/nop">${W[lang].back}</a></p>`), result.status === 'accepted' ? 200 : 422);
  });

  /** The answer to a clerk: the values as read, or every error grouped by row with the fix in words. */
  async function answer(result: IngestResult, lang: Lang) {
    const w = W[lang];
    if (result.status === 'rejected') {
      const byRow = new Map<string, typeof result.errors>();
      for (const e of result.errors) {
        const key = e.row === null ? '' : `${e.sheet}\u0000${e.row}`;
        byRow.set(key, [...(byRow.get(key) ?? []), e]);
      }
      return html`<p>${w.errors}</p><ul class="errors">${[...byRow.entries()].map(([key, errors]) => {
        const [sheet, row] = key.split('\u0000');
        return html`<li>${key ? html`<b>${w.sheet} ${sheet}, ${w.row.toLowerCase()} ${row}</b>` : ''}<ul>${errors.map((e) => html`<li>${e.column ? html`<b>${lang === 'vi' ? 'Cột' : 'Column'} ${e.column}</b>: ` : ''}${lang === 'vi' ? e.message_vi : e.message_en}</li>`)}</ul></li>`;
      })}</ul>`;
    }
    if (result.duplicate_of) return html`<p>${w.again}</p>`;
    const indicators = new Map(deps.catalog.catalog.indicators.map((i) => [i.code, i]));
    const shown = (v: Record<string, unknown>) => {
      if (v.value === null) return w.withdrawn;
      if (indicators.get(String(v.indicator_code))?.measure === 'boolean') return Number(v.value) >= 1 ? (lang === 'vi' ? 'Có' : 'Yes') : (lang === 'vi' ? 'Không' : 'No');
      return formatNumber(Number(v.value), lang);
    };
    const rows: Record<string, unknown>[] = [];
    for (const p of result.partitions) {
      const bytes = await deps.store.get(lakeKeys.kpiValues(p.unit, p.period, result.submission_id));
      if (bytes) rows.push(...(await readParquetRows(bytes)));
    }
    return html`<p>${w.values}</p><div class="scroll"><table class="values"><thead><tr><th class="code">${w.period}</th><th>${w.indicator}</th><th class="num">${w.num}</th><th class="num">${w.den}</th><th class="num">${w.value}</th><th>${w.sheet}, ${w.row.toLowerCase()}</th></tr></thead>
<tbody>${rows.sort((a, b) => Number(a.source_row) - Number(b.source_row)).map((v) => {
      const indicator = indicators.get(String(v.indicator_code));
      const name = lang === 'vi' ? indicator?.shortNameVi : indicator?.shortNameEn;
      return html`<tr data-indicator="${v.indicator_code}"><td class="code">${v.period}</td><td title="${indicator?.nameVi ?? ''}">${name}</td><td class="num">${v.numerator ?? ''}</td><td class="num">${v.denominator ?? ''}</td><td class="num">${shown(v)}</td><td>${v.source_sheet}, ${v.source_row}</td></tr>`;
    })}</tbody></table></div>`;
  }

  app.get('/nop/tep/:id', async (c) => {
    const r = await clerk(c);
    if (r instanceof Response) return r;
    const id = c.req.param('id');
    const result = await storedResult(deps.store, id);
    const tokens = await deps.tokens();
    // Another unit's values are not this unit's to read: a district-wide file is given only to
    // whoever sent it (an account of this unit), not to every unit it names.
    const sentByUnit = result && tokens.some((t) => t.id === result.submitted_by && t.unit === r.unit.code);
    const onlyOurs = result && result.partitions.length > 0 && result.partitions.every((p) => p.unit === r.unit.code);
    const ours = result && (sentByUnit || onlyOurs);
    const bytes = ours ? await deps.store.get(lakeKeys.original(id, result!.file)) : null;
    if (!bytes) return c.html(renderNotice(langOf(c), 'Không tìm thấy / Not found', id), 404);
    c.header('Content-Type', 'application/octet-stream');
    c.header('Content-Disposition', `attachment; filename="${result!.file.replace(/[^\w.-]+/g, '_')}"; filename*=UTF-8''${encodeURIComponent(result!.file)}`);
    return c.body(bytes as Uint8Array<ArrayBuffer>);
  });

  app.get('/nop/mau', async (c) => {
    const r = await clerk(c);
    if (r instanceof Response) return r;
    const period = c.req.query('period') ?? '';
    if (!CANONICAL_PERIOD.test(period)) return c.html(renderNotice(langOf(c), W[langOf(c)].template, 'period: 2025-Q1, 2025-H1, 2025-03, 2025'), 400);
    const indicators = deps.catalog.catalog.indicators.filter((i) => i.reportedBy.includes(r.unit.type));
    const bytes = await (await lazy.template()).reportTemplate(r.unit, period, indicators);
    const name = `mau-bao-cao-${r.unit.code}-${period}.xlsx`;
    c.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    c.header('Content-Disposition', `attachment; filename="${name}"`);
    return c.body(new Uint8Array(bytes));
  });
}
