import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../domain/access/tokens.ts';
import { CANONICAL_PERIOD } from '../../domain/ingest/parsePeriod.ts';
import { isSubmissionId, lakeKeys } from '../../domain/lakeKeys.ts';
import { formatReceipt, parseReceipt, receiptCode } from '../../domain/receiptCode.ts';
import type { Unit } from '../../domain/types.ts';
import { readParquetRows } from '../../adapters/parquet/readParquet.ts';
import { fileNameProblem, storedResult, type IngestResult } from '../../services/ingestFile.ts';
import { IngestQueueFullError } from '../../services/ingestQueue.ts';
import { explanationProblem, recordExplanation, type Explanation } from '../../services/explanations.ts';
import { pagePrincipal } from '../auth.ts';
import { admitBytes, admitUpload } from '../bodyLimits.ts';
import type { Admission } from '../../services/ingestQueue.ts';
import { LIMITS } from '../../domain/limits.ts';
import { DIRECT_DOWNLOAD_EXPIRES_SECONDS, FUNCTION_RESPONSE_MAX_FILE_BYTES } from '../../domain/directUpload.ts';
import { bounceOnce, directForm, takeStaged } from './directUploadForms.ts';
import { sameOrigin, type Env, type HttpDeps } from '../context.ts';
import { lazy } from '../lazy.ts';
import { toRows } from '../render.ts';
import { formatDate, formatNumber, langOf, periodLabel, renderNotice, renderPage, type Lang } from './renderPages.ts';
import { missingEvidence } from '../../domain/evidence.ts';
import { listEvidence } from '../../services/evidence.ts';
import { EVIDENCE_WORDS, missingList, registerEvidenceRoutes, selfAssessmentSection } from './evidenceRoutes.ts';
import { CLERK_WORDS as W, TO_SEND, deadlineOf, errorsList, namer, periodsSection, receiptOf, answerPath, timelinessText, warningsSection } from './clerkPages.ts';

type Row = Record<string, unknown>;

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
 * The pages of a unit's data staff (`/nop`), with no terminal: what is due (each period's state,
 * deadline and days late, the one to send now first), a form to send a file, the answer at its own
 * address (`/nop/nhan/<receipt>`: reload-safe, the values as read or every error by row), the
 * warnings to explain in one form, the unit's reports, a template for a period, and the DTI
 * self-assessment with its evidence files and, once completed, the province's appraisal
 * (evidenceRoutes.ts). Staff sign in
 * at /login with their token. The SQL these pages run is saved in sql/ (unit_periods,
 * unit_submissions, quality_warnings). On AWS the form posts the file straight to the upload
 * bucket (past the function's 6 MB payload) and S3 sends the browser to /nop/tai-len (directUploadForms.ts).
 */
export function registerClerkRoutes(app: Hono<Env>, deps: HttpDeps): void {
  registerEvidenceRoutes(app, deps);
  const unitOf = (who: Principal) => (who.unit ? deps.catalog.catalog.units.find((u) => u.code === who.unit) : undefined);
  async function clerk(c: Context): Promise<{ who: Principal; unit: Unit } | Response> {
    const who = await pagePrincipal(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
    const unit = unitOf(who);
    if (!unit) return c.html(renderNotice(langOf(c), W[langOf(c)].title, W[langOf(c)].noUnit), 403);
    return { who, unit };
  }

  /** The frame of a clerk's page: the same page in the other language keeps what it shows. */
  const frame = (c: Context, lang: Lang, title: string) => {
    const url = new URL(c.req.url);
    url.searchParams.set('lang', lang === 'vi' ? 'en' : 'vi');
    url.searchParams.delete('kq');
    return { lang, title, otherLangUrl: `${url.pathname}?${url.searchParams}`, home: '/nop', signOut: true };
  };
  const withLang = (path: string, lang: Lang) => (lang === 'en' ? `${path}${path.includes('?') ? '&' : '?'}lang=en` : path);
  const indicatorsByCode = () => new Map(deps.catalog.catalog.indicators.map((i) => [i.code, i]));
  const nameCodes = (lang: Lang) => namer(deps.catalog.catalog.indicators, deps.catalog.catalog.units, lang);

  async function run(name: string, params: Record<string, string>): Promise<Row[]> {
    const query = deps.queries.get(name);
    if (!query) return [];
    return toRows((await deps.runner.run(query, params)).table);
  }

  const unitPeriods = (unit: string) => run('unit_periods', { unit, as_of: deps.today() });

  /** The unit's files, newest first, each with its own values counted (a district file: this unit's only). */
  async function history(unit: Unit, lang: Lang) {
    const tokens = await deps.tokens();
    const names = new Map(tokens.map((t) => [t.id, t.name]));
    const senders = tokens.filter((t) => t.unit === unit.code).map((t) => t.id).join(',');
    const rows = await run('unit_submissions', { unit: unit.code, senders });
    const approvalRequired = (await deps.settings.approval()).required;
    const files = new Map<string, { r: Row; periods: { period: string; n: number }[] }>();
    const ownAccounts = new Set(tokens.filter((t) => t.unit === unit.code).map((t) => t.id));
    for (const r of rows) {
      const id = String(r.submission_id);
      const f = files.get(id) ?? { r, periods: [] };
      if (r.period) f.periods.push({ period: String(r.period), n: Number(r.unit_values) });
      files.set(id, f);
    }
    const w = W[lang];
    if (files.size === 0) return html`<h2>${w.history}</h2><p class="meta">${w.none}</p>`;
    const periodsOf = (f: { r: Row; periods: { period: string }[] }) => (f.periods.length
      ? f.periods.map((p) => p.period) : (JSON.parse(String(f.r.file_periods ?? '[]')) as string[])).map((p) => periodLabel(p, lang)).join(', ');
    const statusOf = ({ r, periods }: { r: Row; periods: { n: number }[] }) => {
      if (r.status !== 'accepted') return `${w.rejected} (${formatNumber(Number(r.error_count), lang)} ${lang === 'vi' ? 'lỗi' : 'errors'})`;
      return `${w.accepted} (${formatNumber(periods.reduce((s, p) => s + p.n, 0), lang)})`;
    };
    // A file another office sent with other units' values too is not this unit's to download: its
    // name, unlinked. The same rule as fileIsOurs, read from the query's row (no read per file).
    const downloadable = (r: Row) => ownAccounts.has(String(r.submitted_by)) || String(r.only_this_unit) === 'true';
    return html`<h2>${w.history}</h2><div class="scroll cards" tabindex="0" role="group" aria-label="${w.history}"><table class="history cards"><thead><tr><th>${w.at}</th><th>${w.period}</th><th>${w.fileCol}</th><th>${w.status}</th><th>${w.receipt}</th><th>${w.by}</th></tr></thead>
<tbody>${[...files.values()].map((f) => {
      const { r } = f;
      const id = String(r.submission_id);
      const answer = answerPath(id, lang);
      return html`<tr data-submission="${id}"><td data-label="${w.at}">${formatDate(deps.localTime(r.submitted_at as string))}</td><td data-label="${w.period}">${periodsOf(f)}</td>
<td data-label="${w.fileCol}">${downloadable(r) ? html`<a href="/nop/tep/${id}">${r.source_file}</a>` : html`<span data-shared-file>${r.source_file}</span>`}</td><td class="status ${r.status}" data-label="${w.status}"><span>${statusOf(f)}${r.status === 'rejected' ? html` — <a class="errors-link" href="${answer}">${w.errorsLink}</a>` : ''}${r.status === 'accepted' && approvalRequired ? html`<br><span class="approval" data-decision="${r.decision ?? 'pending'}">${decisionWords(r, w)}</span>` : ''}</span></td>
<td data-label="${w.receipt}"><a class="receipt" href="${answer}">${receiptOf(id)}</a></td><td data-label="${w.by}">${names.get(String(r.submitted_by)) ?? r.submitted_by ?? ''}</td></tr>`;
    })}</tbody></table></div>`;
  }

  const forms = async (c: Context, who: Principal, unit: Unit, lang: Lang, suggested: string | null) => {
    const w = W[lang];
    const quarters = recentQuarters(deps.today());
    const chosen = suggested && quarters.includes(suggested) ? suggested : quarters[1];
    // On AWS the file goes straight to the bucket (the function takes at most 6 MB a request); locally to /nop.
    const send = deps.directUpload
      ? await directForm(c, { ...deps, directUpload: deps.directUpload }, who, { target: { kind: 'report', unit: unit.code }, maxBytes: LIMITS.maxFileBytes, back: withLang('/nop/tai-len', lang), lang, accept: '.xlsx,.csv', label: w.file, button: w.send })
      : html`<form method="post" action="${withLang('/nop', lang)}" enctype="multipart/form-data">
<label>${w.file}<input type="file" name="file" accept=".xlsx,.csv" required></label><button type="submit">${w.send}</button></form>`;
    return html`<section class="share"><h2>${w.send}</h2>${send}</section>
<section class="share"><h2>${w.template}</h2><form method="get" action="/nop/mau"><label>${w.templateFor}<select name="period">${quarters.map((p) => html`<option value="${p}"${p === chosen ? html` selected` : ''}>${periodLabel(p, lang)}</option>`)}</select></label><button type="submit">${w.download}</button></form></section>`;
  };

  /** The quality warnings of a unit's periods (each with its explanation, if given). */
  /** The unit's warnings, its values waiting for approval included (pending_warnings): a clerk explains before the head decides. */
  async function warningRows(unit: string, periods: string[]): Promise<Row[]> {
    const withPending = Boolean(deps.queries.get('pending_warnings'));
    if (!withPending && !deps.queries.get('quality_warnings')) return [];
    return (await Promise.all(periods.map(async (period) => (await run(withPending ? 'pending_warnings' : 'quality_warnings', withPending ? { period, unit } : { period })).map((r): Row => ({ ...r, period })))))
      .flat().filter((r) => r.unit === unit);
  }

  /** A decision's words: the head's, or approved because it was sent before approval was switched on. */
  const decisionWords = (d: { decision?: unknown; comment?: unknown; approved_on_switch?: unknown } | null | undefined, w: (typeof W)[Lang]) =>
    d?.decision === 'approved' ? (String(d.approved_on_switch) === 'true' ? w.approvedOnSwitch : w.approvedByHead)
      : d?.decision === 'returned' ? `${w.returnedByHead}: ${d.comment ?? ''}` : w.awaitingHead;

  const savedCount = (c: Context) => {
    const n = Number(c.req.query('kq'));
    return Number.isInteger(n) && n > 0 ? n : null;
  };

  app.get('/nop', async (c) => {
    const r = await clerk(c);
    if (r instanceof Response) return r;
    const lang = langOf(c);
    const periods = await unitPeriods(r.unit.code);
    const next = periods.find((p) => TO_SEND.has(String(p.status_code)));
    // The warnings a clerk may still explain: those of the periods she reported most recently.
    const reported = periods.filter((p) => p.first_received_at).map((p) => String(p.period)).sort().reverse().slice(0, 4);
    const warned = warningsSection(await warningRows(r.unit.code, reported), indicatorsByCode(), lang, '/nop', savedCount(c));
    return c.html(renderPage(frame(c, lang, W[lang].title), html`<h1>${W[lang].title} — ${lang === 'vi' ? r.unit.nameVi : r.unit.nameEn}</h1>
${periodsSection(periods, lang, await forms(c, r.who, r.unit, lang, next ? String(next.period) : null))}${await selfAssessmentSection(deps, r.unit, lang, [...recentQuarters(deps.today()).slice(1, 5), String(Number(deps.today().slice(0, 4)) - 1)])}${warned}${await history(r.unit, lang)}`));
  });

  // A clerk's explanations of warnings, all in one form: kept beside the values, shown to analysts with them.
  app.post('/nop/giai-trinh', async (c) => {
    const r = await clerk(c);
    if (r instanceof Response) return r;
    const lang = langOf(c);
    if (!sameOrigin(c, deps)) return c.text('', 403);
    const form = await c.req.parseBody();
    const given: { period: string; indicator: string; kind: string; text: string }[] = [];
    for (const [name, value] of Object.entries(form)) {
      const m = /^gt:([^|]*)\|([^|]*)\|([^|]*)$/.exec(name);
      if (m && typeof value === 'string' && value.trim()) given.push({ period: m[1]!, indicator: m[2]!, kind: m[3]!, text: value });
    }
    // One explanation, as a single field set (scripts and older pages).
    if (form.kind !== undefined) given.push({ period: String(form.period ?? ''), indicator: String(form.indicator ?? ''), kind: String(form.kind), text: String(form.explanation ?? '') });
    const codes = new Set(deps.catalog.catalog.indicators.map((i) => i.code));
    const explanations = given.map((g) => ({
      unit: r.unit.code, period: g.period, indicator_code: g.indicator || null, kind: g.kind as Explanation['kind'], explanation: g.text, explained_by: r.who.id,
    }));
    const wrong = explanations.length === 0 ? (lang === 'vi' ? 'Chưa viết giải trình nào.' : 'No explanation was written.') : explanations.map((e) => explanationProblem(e, codes)).find(Boolean);
    if (wrong) return c.html(renderNotice(lang, W[lang].title, wrong), 400);
    for (const e of explanations) await recordExplanation(deps.store, e, deps.now());
    deps.runner.lakeChanged();
    const back = String(form.back ?? '');
    const answer = back.startsWith('/nop/nhan/') ? back.slice('/nop/nhan/'.length) : '';
    const to = back === '/nop' || isSubmissionId(answer) || parseReceipt(answer) ? back : '/nop';
    return c.redirect(withLang(`${to}?kq=${explanations.length}`, lang), 303);
  });

  const busy = (c: Context, lang: Lang, error: unknown) => {
    if (!(error instanceof IngestQueueFullError)) throw error;
    c.header('Retry-After', String(error.retryAfterSeconds));
    return c.html(renderNotice(lang, W[lang].title, W[lang].busy), 503);
  };

  const senderOf = (r: { who: Principal; unit: Unit }) => ({ submittedBy: r.who.id, allowedUnits: [r.unit.code] });
  const noFile = (c: Context, lang: Lang) => c.html(renderNotice(lang, W[lang].title, lang === 'vi' ? 'Chưa chọn tệp, hoặc tệp rỗng.' : 'No file chosen, or the file is empty.'), 400);

  /**
   * A clerk's file ingested within the room its admission took (released whatever happens, then
   * `after`), answered at the receipt's own address (POST-redirect-GET): a reload shows the answer
   * again and sends nothing. `read` may answer instead (no file chosen).
   */
  async function ingestAndAnswer(c: Context, lang: Lang, r: { who: Principal; unit: Unit }, admission: Admission,
    read: () => Promise<{ bytes: Uint8Array; fileName: string } | Response>, after?: () => Promise<void>): Promise<Response> {
    let result: IngestResult;
    try {
      const file = await read();
      if (file instanceof Response) return file;
      result = await admission.ingest({ ...file, ...senderOf(r), mayAppraise: false });
    } catch (error) {
      return busy(c, lang, error);
    } finally {
      admission.release();
      await after?.();
    }
    deps.runner.lakeChanged([result.submission_id]);
    return c.redirect(withLang(`/nop/nhan/${receiptOf(result.submission_id)}${result.duplicate_of ? '?lai=1' : ''}`, lang), 303);
  }

  // The body's size is capped by bodyLimits.ts (app.ts); room in the queue is taken before it is read.
  app.post('/nop', async (c) => {
    const r = await clerk(c);
    if (r instanceof Response) return r;
    const lang = langOf(c);
    if (!sameOrigin(c, deps)) return c.text('', 403);
    let admission;
    try {
      admission = admitUpload(c, deps, senderOf(r));
    } catch (error) {
      return busy(c, lang, error);
    }
    return ingestAndAnswer(c, lang, r, admission, async () => {
      const file = (await c.req.parseBody()).file;
      if (!(file instanceof File) || file.size === 0 || fileNameProblem(file.name)) return noFile(c, lang);
      return { bytes: new Uint8Array(await file.arrayBuffer()), fileName: file.name };
    });
  });

  // S3 sends the browser here once a file posted straight to the bucket is staged (AWS, see
  // directUploadForms.ts): the same checks and ingest as POST /nop, the staged copy removed after.
  app.get('/nop/tai-len', async (c) => {
    const lang = langOf(c);
    if (!(await pagePrincipal(c, deps))) {
      const bounced = await bounceOnce(c, lang);
      if (bounced) return bounced;
    }
    const r = await clerk(c);
    if (r instanceof Response) return r;
    if (!deps.directUpload) return c.html(renderNotice(lang, W[lang].title, lang === 'vi' ? 'Không tìm thấy' : 'Not found'), 404);
    const staged = await takeStaged(c, { ...deps, directUpload: deps.directUpload }, r.who, 'report', LIMITS.maxFileBytes, lang, W[lang].title);
    if (staged instanceof Response) return staged;
    const fileName = staged.staged.fileName;
    if (fileNameProblem(fileName)) {
      await staged.done();
      return noFile(c, lang);
    }
    let admission;
    try {
      admission = admitBytes(deps, senderOf(r), staged.size);
    } catch (error) {
      // Busy: the staged file is kept (a day at most), so a reload of this page sends it again.
      return busy(c, lang, error);
    }
    return ingestAndAnswer(c, lang, r, admission, async () => ({ bytes: await staged.read(), fileName }), staged.done);
  });

  /**
   * The submissions of this unit whose receipt code is `text` (K7QM-4XRT, k7qm4xrt): looked up
   * among the unit's own files, the only ones its clerk may read. Two would be a collision of the
   * hash (see domain/receiptCode.ts): both are returned, never one picked.
   */
  async function idsOfReceipt(text: string, unit: Unit): Promise<string[]> {
    const code = parseReceipt(text);
    if (!code) return [];
    const tokens = await deps.tokens();
    const senders = tokens.filter((t) => t.unit === unit.code).map((t) => t.id).join(',');
    const ids = new Set((await run('unit_submissions', { unit: unit.code, senders })).map((row) => String(row.submission_id)));
    return [...ids].filter((id) => receiptCode(id) === code);
  }

  /** Whether the file itself is this unit's to read: one its accounts sent, or one holding only its values. */
  const fileIsOurs = (result: IngestResult, unit: string, tokens: readonly { id: string; unit: string | null }[]) =>
    tokens.some((t) => t.id === result.submitted_by && t.unit === unit)
    || (result.partitions.length > 0 && result.partitions.every((p) => p.unit === unit));

  /** A file this unit may download: its own (see fileIsOurs); never a district file with other units' values. */
  async function ours(id: string, unit: string): Promise<IngestResult | null> {
    const result = await storedResult(deps.store, id);
    if (!result) return null;
    return fileIsOurs(result, unit, await deps.tokens()) ? result : null;
  }

  /**
   * A file this unit may read the answer to: its own, or one that holds some of its values (a
   * district-wide file sent by another office): the answer shows this unit's values only.
   */
  async function answerable(id: string, unit: string): Promise<IngestResult | null> {
    const result = await storedResult(deps.store, id);
    if (!result) return null;
    return fileIsOurs(result, unit, await deps.tokens()) || result.partitions.some((p) => p.unit === unit) ? result : null;
  }

  // The answer to a file, at its own address: the receipt number, on time or late, the values as
  // read (this unit's only) or every error by row, and the warnings to explain.
  app.get('/nop/nhan/:id', async (c) => {
    const r = await clerk(c);
    if (r instanceof Response) return r;
    const lang = langOf(c);
    const w = W[lang];
    const asked = c.req.param('id');
    // A code typed by hand (k7qm4xrt) goes to its written form, the one the page and history show.
    const typed = parseReceipt(asked);
    if (typed && asked !== formatReceipt(typed)) {
      const url = new URL(c.req.url);
      return c.redirect(`/nop/nhan/${formatReceipt(typed)}${url.search}`, 302);
    }
    const ids = isSubmissionId(asked) ? [asked] : await idsOfReceipt(asked, r.unit);
    if (ids.length > 1) return c.html(renderNotice(lang, w.receipt, w.receiptTwice(asked, ids)), 409);
    const result = ids[0] ? await answerable(ids[0], r.unit.code) : null;
    if (!result) return c.html(renderNotice(lang, lang === 'vi' ? 'Không tìm thấy' : 'Not found', asked), 404);
    const accepted = result.status === 'accepted';
    const mine = result.partitions.filter((p) => p.unit === r.unit.code);
    const periods = [...new Set(mine.map((p) => p.period))].sort();
    const sentLocal = deps.localTime(result.submitted_at);
    const again = c.req.query('lai') === '1';
    const values = accepted ? await valuesOf(result, r.unit.code) : [];
    const unitName = lang === 'vi' ? r.unit.nameVi : r.unit.nameEn;
    const approval = accepted && (await deps.settings.approval()).required
      ? (await run('submission_decisions', { submission: result.submission_id })).find((d) => d.unit === r.unit.code)
        // No decision: perhaps sent before approval was switched on, and so approved (unit_submissions knows).
        ?? (await run('unit_submissions', { unit: r.unit.code, senders: '' })).find((s) => s.submission_id === result.submission_id && String(s.approved_on_switch) === 'true')
        ?? null
      : undefined;
    // A self-assessment whose explanations name files never attached as evidence: said here, and where to attach them.
    const selfNotes = values.filter((v) => v.assessment === 'self').map((v) => ({ period: String(v.period), component: String(v.indicator_code), note: v.note as string | null }));
    const evidenceWarnings = [];
    for (const period of [...new Set(selfNotes.map((n) => n.period))]) {
      const missing = missingEvidence(selfNotes.filter((n) => n.period === period), await listEvidence(deps.store, r.unit.code, period));
      const nameOf = (code: string) => { const i = deps.catalog.catalog.indicators.find((x) => x.code === code); return i ? (lang === 'vi' ? i.nameVi : i.nameEn) : code; };
      evidenceWarnings.push(html`${missingList(missing, nameOf, lang)}<p class="self-assessment-link"><a href="${withLang(`/nop/kiem-chung?period=${period}`, lang)}">${EVIDENCE_WORDS[lang].title}, ${EVIDENCE_WORDS[lang].evidence.toLowerCase()}: ${periodLabel(period, lang)}</a></p>`);
    }
    const warned = accepted && periods.length ? warningsSection(await warningRows(r.unit.code, periods), indicatorsByCode(), lang, `/nop/nhan/${receiptOf(result.submission_id)}`, savedCount(c)) : '';
    return c.html(renderPage(frame(c, lang, W[lang].title), html`<h1>${accepted ? w.accepted : w.rejected}: ${result.file}</h1>
<dl class="receipt"><div><dt>${w.receipt}</dt><dd><code data-receipt>${receiptOf(result.submission_id)}</code></dd></div>
<div><dt>${w.sentAt}</dt><dd>${formatDate(sentLocal)}</dd></div>
${periods.length ? html`<div><dt>${w.period}</dt><dd class="timeliness">${timelinessText(periods, sentLocal, deps.catalog.catalog.calendar ?? [], lang, deps.catalog.catalog.holidays ?? [])}</dd></div>` : ''}
${accepted ? html`<div><dt>${w.value}</dt><dd>${w.unitValues(formatNumber(values.length, lang), unitName)}${mine.length < result.partitions.length ? ` (${w.fileValues(formatNumber(result.rows, lang))})` : ''}</dd></div>` : ''}
${approval !== undefined ? html`<div><dt>${w.status}</dt><dd class="approval" data-decision="${approval?.decision ?? 'pending'}">${decisionWords(approval, w)}</dd></div>` : ''}</dl>
${again ? html`<p class="meta">${w.again}</p>` : ''}
${evidenceWarnings}${accepted ? valuesTable(values, result.format, lang) : errorsList(result, lang, nameCodes(lang))}${warned}
<p><a href="${withLang('/nop', lang)}">${w.back}</a></p>`));
  });

  /** This unit's values of an accepted file, as they were read (a district file's other units are not shown). */
  async function valuesOf(result: IngestResult, unit: string): Promise<Row[]> {
    const rows: Row[] = [];
    for (const p of result.partitions.filter((x) => x.unit === unit)) {
      const bytes = await deps.store.get(lakeKeys.kpiValues(p.unit, p.period, result.submission_id));
      if (bytes) rows.push(...(await readParquetRows(bytes)));
    }
    return rows.sort((a, b) => Number(a.source_row) - Number(b.source_row));
  }

  function valuesTable(rows: Row[], format: string, lang: Lang) {
    const w = W[lang];
    const indicators = indicatorsByCode();
    const shown = (v: Row) => {
      if (v.value === null) return w.withdrawn;
      if (indicators.get(String(v.indicator_code))?.measure === 'boolean') return Number(v.value) >= 1 ? (lang === 'vi' ? 'Có' : 'Yes') : (lang === 'vi' ? 'Không' : 'No');
      return formatNumber(Number(v.value), lang);
    };
    const count = (x: unknown) => (x === null || x === undefined ? '' : formatNumber(Number(x), lang));
    const where = format === 'csv' ? w.row : `${w.sheet}, ${w.row.toLowerCase()}`;
    // On a phone each value is a card with the indicator's name on its own line (chiso.css), never a table to scroll sideways.
    return html`<p>${w.values}</p><div class="scroll cards" tabindex="0" role="group" aria-label="${w.values}"><table class="values cards"><thead><tr><th>${w.indicator}</th><th>${w.period}</th><th class="num">${w.num}</th><th class="num">${w.den}</th><th class="num">${w.value}</th><th>${where}</th></tr></thead>
<tbody>${rows.map((v) => {
      const indicator = indicators.get(String(v.indicator_code));
      const name = lang === 'vi' ? indicator?.shortNameVi : indicator?.shortNameEn;
      return html`<tr data-indicator="${v.indicator_code}"><td class="name" data-label="${w.indicator}" title="${indicator?.nameVi ?? ''}">${name}</td><td data-label="${w.period}">${periodLabel(String(v.period), lang)}</td><td class="num" data-label="${w.num}">${count(v.numerator)}</td><td class="num" data-label="${w.den}">${count(v.denominator)}</td><td class="num" data-label="${w.value}">${shown(v)}</td><td data-label="${where}">${format === 'csv' ? v.source_row : `${v.source_sheet}, ${v.source_row}`}</td></tr>`;
    })}</tbody></table></div>`;
  }

  app.get('/nop/tep/:id', async (c) => {
    const r = await clerk(c);
    if (r instanceof Response) return r;
    const id = c.req.param('id');
    // Another unit's values are not this unit's to read: a district-wide file is given only to
    // whoever sent it (an account of this unit), not to every unit it names.
    const result = await ours(id, r.unit.code);
    // On AWS a file past the function's response cap is fetched from the bucket, at a signed address made a download.
    if (result && deps.directDownload) {
      const key = lakeKeys.original(id, result.file);
      for await (const o of deps.store.list(key)) {
        if (o.key !== key || o.size <= FUNCTION_RESPONSE_MAX_FILE_BYTES) continue;
        return c.redirect(await deps.directDownload.url(key, { fileName: result.file, contentType: 'application/octet-stream', expiresSeconds: DIRECT_DOWNLOAD_EXPIRES_SECONDS }), 302);
      }
    }
    const bytes = result ? await deps.store.get(lakeKeys.original(id, result.file)) : null;
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
    const deadline = deadlineOf(deps.catalog.catalog.calendar ?? [], period, deps.catalog.catalog.holidays ?? []);
    const bytes = await (await lazy.template()).reportTemplate(r.unit, period, indicators, { deadline });
    const name = `mau-bao-cao-${r.unit.code}-${period}.xlsx`;
    c.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    c.header('Content-Disposition', `attachment; filename="${name}"`);
    return c.body(new Uint8Array(bytes));
  });
}
