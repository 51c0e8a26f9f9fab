import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Principal } from '../../domain/access/tokens.ts';
import { ACCEPTED_EXTENSIONS, EVIDENCE_LIMITS, evidenceKeys, fileSizeText, isEvidenceId, missingEvidence, type EvidenceRecord, type MissingEvidence } from '../../domain/evidence.ts';
import { DIRECT_DOWNLOAD_EXPIRES_SECONDS, FUNCTION_RESPONSE_MAX_FILE_BYTES } from '../../domain/directUpload.ts';
import { CANONICAL_PERIOD, periodEnd } from '../../domain/ingest/parsePeriod.ts';
import type { FrameworkComponent, Unit } from '../../domain/types.ts';
import { attachEvidence, listEvidence, readEvidence, removeEvidence, type EvidenceUpload } from '../../services/evidence.ts';
import { pagePrincipal } from '../auth.ts';
import { LIMITS } from '../../domain/limits.ts';
import { bounceOnce, directForm, takeStaged } from './directUploadForms.ts';
import { deadlineOf } from './clerkPages.ts';
import { lazy } from '../lazy.ts';
import { clientAddress, sameOrigin, type Env, type HttpDeps } from '../context.ts';
import { toRows } from '../tableRows.ts';
import { formatDate, formatNumber, langOf, periodLabel, renderNotice, renderPage, type Lang } from './renderPages.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
type Row = Record<string, unknown>;

/** Whether the province has appraised the unit's period: its evidence is then what was appraised, and stays as it is. */
const isAppraised = (components: Row[]) => components.some((x) => x.appraised_points !== null && x.appraised_points !== undefined);

/**
 * A unit's DTI self-assessment of a period on /nop (`/nop/kiem-chung?period=…`): each component
 * of its framework with the points it gave itself, the evidence files attached (and a box to
 * attach more), the files its explanation names but that were never attached, and, once the
 * province completed the appraisal, the appraised points and the appraiser's comments. Evidence
 * is downloaded (`/nop/kiem-chung/<unit>/<period>/<id>`) by the unit's own staff and head, the
 * appraisers, analysts and administrators only, always as an attachment, never shown inline.
 * On AWS each file has a form of its own that posts straight to the upload bucket, past the
 * function's 6 MB payload (directUploadForms.ts); larger files download from the bucket.
 */
export const EVIDENCE_WORDS = {
  vi: {
    title: 'Tự chấm điểm chuyển đổi số', evidence: 'Tài liệu kiểm chứng', attach: 'Gửi tài liệu kiểm chứng', attachOne: 'Gửi tệp này', none: 'Chưa có tài liệu.',
    choose: (code: string) => `Thêm tệp cho chỉ số ${code}`,
    hint: `Chọn tệp cho từng chỉ số (PDF, ảnh PNG/JPEG, ${ACCEPTED_EXTENSIONS.filter((e) => !['.pdf', '.png', '.jpg', '.jpeg'].includes(e)).join(', ')}); mỗi tệp tối đa ${EVIDENCE_LIMITS.maxFileBytes / 1024 / 1024} MB, mỗi lần gửi tối đa ${EVIDENCE_LIMITS.maxSubmissionBytes / 1024 / 1024} MB. Loại tệp được kiểm tra theo nội dung, không theo tên. Trong cột "Giải trình / tài liệu kiểm chứng" của bảng tự chấm, hãy ghi đúng tên tệp.`,
    selfTitle: 'Bảng tự chấm điểm', sendSelf: 'Chọn bảng tự chấm điểm (.xlsx hoặc .csv)', sendSelfButton: 'Gửi bảng tự chấm điểm',
    max: 'Điểm tối đa', self: 'Điểm tự chấm', note: 'Giải trình / tài liệu kiểm chứng', appraised: 'Điểm thẩm định', comment: 'Nhận xét của tỉnh',
    component: 'Chỉ số thành phần', total: 'Tổng', appraisal: 'Kết quả thẩm định của tỉnh',
    appraisalTotal: (a: string, max: string) => `Tổng điểm sau thẩm định (dùng để xếp hạng): ${a} / ${max}`,
    notAppraised: 'không thẩm định (giữ điểm tính từ số liệu)', waiting: 'Tỉnh chưa hoàn thành thẩm định kỳ này.',
    attached: (n: number) => `Đã lưu ${n} tệp kiểm chứng.`, again: (names: string) => `Đã có sẵn, không lưu lại: ${names}.`,
    refused: 'Chưa lưu tệp nào: hãy sửa các điều sau rồi gửi lại.', nothing: 'Chưa chọn tệp nào.',
    missing: (m: MissingEvidence, name: string) => `${name}: giải trình nêu tệp "${m.file}" nhưng tệp này chưa được đính kèm cho chỉ số này.`,
    missingTitle: 'Cảnh báo — tài liệu được nêu nhưng chưa đính kèm:',
    noFramework: 'Đơn vị không có chỉ số nào được chấm điểm trong kỳ này.', badPeriod: 'Kỳ báo cáo không hợp lệ (ví dụ 2026-Q3).',
    period: 'Kỳ', open: 'Mở', pick: 'Tự chấm điểm và tài liệu kiểm chứng của kỳ', results: 'Đã có kết quả thẩm định', see: 'xem',
    back: 'Về trang nộp báo cáo',
    remove: 'Gỡ tệp', removeLabel: (name: string) => `Gỡ tệp ${name}`, removed: (name: string) => `Đã gỡ tệp ${name}.`,
    removeClosed: 'Tỉnh đã thẩm định kỳ này: không gỡ được tài liệu kiểm chứng nữa.',
    attachClosed: 'Tỉnh đã thẩm định kỳ này: tài liệu kiểm chứng được giữ như khi thẩm định, không gửi thêm được nữa.',
    template: 'Tải mẫu tự chấm điểm (.xlsx)',
    templateHint: 'Ghi điểm vào cột "Điểm tự chấm" và giải trình (kèm đúng tên tệp kiểm chứng) vào cột "Giải trình", gửi tệp ở trang Nộp báo cáo như một báo cáo (hoặc ngay dưới đây), rồi đính kèm tài liệu kiểm chứng ở trang này.',
  },
  en: {
    title: 'DTI self-assessment', evidence: 'Evidence files', attach: 'Send the evidence files', attachOne: 'Send this file', none: 'No files yet.',
    choose: (code: string) => `Add files for ${code}`,
    hint: `Choose files for each component (PDF, PNG/JPEG images, ${ACCEPTED_EXTENSIONS.filter((e) => !['.pdf', '.png', '.jpg', '.jpeg'].includes(e)).join(', ')}); at most ${EVIDENCE_LIMITS.maxFileBytes / 1024 / 1024} MB a file, ${EVIDENCE_LIMITS.maxSubmissionBytes / 1024 / 1024} MB at a time. The kind of file is checked by its content, not its name. In the self-assessment's explanation column, write the files' names exactly.`,
    selfTitle: 'The self-assessment', sendSelf: 'Choose the self-assessment (.xlsx or .csv)', sendSelfButton: 'Send the self-assessment',
    max: 'Maximum', self: 'Self-assessed', note: 'Explanation / evidence', appraised: 'Appraised', comment: 'The province\'s comment',
    component: 'Component', total: 'Total', appraisal: 'The province\'s appraisal',
    appraisalTotal: (a: string, max: string) => `Total after appraisal (used in the ranking): ${a} / ${max}`,
    notAppraised: 'not appraised (points from the values kept)', waiting: 'The province has not completed this period\'s appraisal.',
    attached: (n: number) => `${n} evidence file${n === 1 ? '' : 's'} saved.`, again: (names: string) => `Already attached, not saved again: ${names}.`,
    refused: 'Nothing was saved: correct the following and send again.', nothing: 'No file was chosen.',
    missing: (m: MissingEvidence, name: string) => `${name}: the explanation names "${m.file}", which is not attached to this component.`,
    missingTitle: 'Warning — files named but not attached:',
    noFramework: 'The unit has no scored components in this period.', badPeriod: 'Not a reporting period (e.g. 2026-Q3).',
    period: 'Period', open: 'Open', pick: 'Self-assessment and evidence for the period', results: 'Appraisal results available', see: 'see',
    back: 'Back to the reports page',
    remove: 'Remove', removeLabel: (name: string) => `Remove ${name}`, removed: (name: string) => `${name} removed.`,
    removeClosed: 'The province has appraised this period: its evidence can no longer be removed.',
    attachClosed: 'The province has appraised this period: its evidence stays as it was appraised; nothing more can be attached.',
    template: 'Download the self-assessment template (.xlsx)',
    templateHint: 'Fill the points in "Điểm tự chấm" and the explanation (with the evidence files\' exact names) in "Giải trình", send the file on the reports page like a report (or just below), then attach the evidence on this page.',
  },
};

/** Who may download a unit's evidence: its own staff and head, and the province's appraisers, analysts and administrators. */
export function mayReadEvidence(who: Principal, unit: string): boolean {
  if (who.role === 'appraiser' || who.role === 'analyst' || who.role === 'admin') return true;
  return (who.role === 'staff' || who.role === 'head') && who.unit === unit;
}

/** The components of the framework in force for a unit type at a period's end, in framework.csv's order: the rows of its self-assessment. */
export function componentsInForce(frameworks: readonly FrameworkComponent[], type: Unit['type'], period: string): FrameworkComponent[] {
  const day = periodEnd(period);
  return frameworks.filter((c) => c.appliesTo.includes(type) && c.validFrom <= day && (!c.validTo || c.validTo >= day));
}

/** Where a unit's self-assessment template of a period is downloaded. */
export const assessmentTemplatePath = (period: string) => `/nop/kiem-chung/mau.xlsx?period=${period}`;

export const evidencePath = (r: Pick<EvidenceRecord, 'unit' | 'period' | 'id'>) => `/nop/kiem-chung/${r.unit}/${r.period}/${r.id}`;

/** The files of one component, each a download link with its size and kind. */
export function evidenceList(records: readonly EvidenceRecord[], component: string, lang: Lang, localTime: (at: string) => string, removable = false): Html {
  const w = EVIDENCE_WORDS[lang];
  const mine = records.filter((r) => r.component === component);
  if (mine.length === 0) return html`<p class="meta evidence-none">${w.none}</p>`;
  // A button per file, in a form of its own (forms cannot nest inside the attach form): see the page.
  return html`<ul class="evidence">${mine.map((r) => html`<li data-evidence="${r.id}"><a href="${evidencePath(r)}" download="${r.file_name}">${r.file_name}</a> <span class="meta">(${fileSizeText(r.size_bytes, lang)}, ${formatDate(localTime(r.uploaded_at))})</span>${removable
    ? html` <button type="submit" class="remove" form="go-${r.id}" aria-label="${w.removeLabel(r.file_name)}">${w.remove}</button>` : ''}</li>`)}</ul>`;
}

/** The warnings of files an explanation names but that were never attached. */
export function missingList(missing: readonly MissingEvidence[], nameOf: (code: string) => string, lang: Lang): Html {
  if (missing.length === 0) return html``;
  const w = EVIDENCE_WORDS[lang];
  return html`<div class="warnings evidence-missing" role="status"><p>${w.missingTitle}</p><ul>${missing.map((m) => html`<li data-component="${m.component}">${w.missing(m, nameOf(m.component))}</li>`)}</ul></div>`;
}

/** The periods a unit self-assessed (and whether the province appraised them), newest first. */
async function assessedPeriods(deps: HttpDeps, unit: string): Promise<{ period: string; appraised: boolean }[]> {
  const rows = toRows(await deps.runner.runSql(
    `SELECT period, max(CASE WHEN assessment = 'appraised' THEN 1 ELSE 0 END) AS appraised FROM kpi_assessed WHERE unit = :unit GROUP BY period ORDER BY period DESC LIMIT 8`,
    { unit },
  ));
  return rows.map((r) => ({ period: String(r.period), appraised: Number(r.appraised) === 1 }));
}

/** The section of /nop that leads to a period's self-assessment: a period to pick, and the periods appraised. */
export async function selfAssessmentSection(deps: HttpDeps, unit: Unit, lang: Lang, periods: string[]): Promise<Html> {
  const types = new Set((deps.catalog.catalog.frameworks ?? []).flatMap((f) => f.appliesTo));
  if (!types.has(unit.type)) return html``;
  const w = EVIDENCE_WORDS[lang];
  const assessed = await assessedPeriods(deps, unit.code);
  const choices = [...new Set([...assessed.map((a) => a.period), ...periods])];
  const q = (p: string) => `/nop/kiem-chung?period=${p}${lang === 'en' ? '&lang=en' : ''}`;
  const appraised = assessed.filter((a) => a.appraised);
  return html`<section class="share self-assessment"><h2>${w.title}</h2>
${appraised.length ? html`<p class="confirm appraised-periods">${w.results}: ${appraised.map((a, i) => html`${i ? ', ' : ''}<a href="${q(a.period)}" data-period="${a.period}">${periodLabel(a.period, lang)}</a>`)}</p>` : ''}
<form method="get" action="/nop/kiem-chung">${lang === 'en' ? html`<input type="hidden" name="lang" value="en">` : ''}<label>${w.pick}<select name="period">${choices.map((p) => html`<option value="${p}">${periodLabel(p, lang)}</option>`)}</select></label><button type="submit">${w.open}</button></form></section>`;
}

export function registerEvidenceRoutes(app: Hono<Env>, deps: HttpDeps): void {
  const unitOf = (who: Principal) => (who.unit ? deps.catalog.catalog.units.find((u) => u.code === who.unit) : undefined);
  async function clerk(c: Context): Promise<{ who: Principal; unit: Unit } | Response> {
    const who = await pagePrincipal(c, deps);
    if (!who) return c.redirect(`/login?next=${encodeURIComponent(c.req.path + new URL(c.req.url).search)}`, 303);
    const unit = unitOf(who);
    if (!unit || (who.role !== 'staff' && who.role !== 'head')) return c.html(renderNotice(langOf(c), EVIDENCE_WORDS[langOf(c)].title, langOf(c) === 'vi' ? 'Trang này dành cho cán bộ của một đơn vị.' : 'This page is for a unit\'s staff.'), 403);
    return { who, unit };
  }
  const periodOf = (c: Context) => {
    const p = (c.req.query('period') ?? '').trim();
    return CANONICAL_PERIOD.test(p) ? p : null;
  };
  const withLang = (path: string, lang: Lang) => (lang === 'en' ? `${path}${path.includes('?') ? '&' : '?'}lang=en` : path);
  const frame = (c: Context, lang: Lang, title: string) => {
    const url = new URL(c.req.url);
    url.searchParams.set('lang', lang === 'vi' ? 'en' : 'vi');
    for (const k of ['kc', 'lai', 'go']) url.searchParams.delete(k);
    return { lang, title, otherLangUrl: `${url.pathname}?${url.searchParams}`, home: '/nop', signOut: true };
  };
  const indicatorName = (code: string, lang: Lang) => {
    const i = deps.catalog.catalog.indicators.find((x) => x.code === code);
    return i ? (lang === 'vi' ? i.nameVi : i.nameEn) : code;
  };

  /** The unit's components for the period, as the appraisal reads them (this unit's rows only). */
  async function componentsOf(unit: string, period: string): Promise<Row[]> {
    const query = deps.queries.get('dti_scorecards');
    if (!query) return [];
    return toRows((await deps.runner.run(query, { period })).table).filter((r) => r.unit === unit) as Row[];
  }

  async function page(c: Context, lang: Lang, who: Principal, unit: Unit, period: string, components: Row[], records: EvidenceRecord[], notice: Html | string = '') {
    const w = EVIDENCE_WORDS[lang];
    const num = (v: unknown) => (v === null || v === undefined || v === '' ? '–' : formatNumber(Number(v), lang));
    const nameOf = (code: string) => indicatorName(code, lang);
    const missing = missingEvidence(components.map((r) => ({ component: String(r.indicator_code), note: r.self_note as string | null })), records);
    // Drafts stay the appraiser's: only appraised points in the lake (a completed appraisal) are shown.
    const appraised = isAppraised(components);
    const sum = (key: string) => components.reduce((s, r) => s + (r[key] === null || r[key] === undefined ? 0 : Number(r[key])), 0);
    const unitName = lang === 'vi' ? unit.nameVi : unit.nameEn;
    const appraisal = appraised ? html`<section class="appraisal-result"><h2>${w.appraisal}</h2><div class="scroll cards" tabindex="0" role="group" aria-label="${w.appraisal}"><table class="cards appraisal"><thead><tr><th>${w.component}</th><th class="num">${w.max}</th><th class="num">${w.self}</th><th class="num">${w.appraised}</th><th>${w.comment}</th></tr></thead>
<tbody>${components.map((r) => html`<tr data-component="${r.indicator_code}"><td class="name" data-label="${w.component}">${nameOf(String(r.indicator_code))}</td><td class="num" data-label="${w.max}">${num(r.max_points)}</td><td class="num" data-label="${w.self}">${num(r.self_points)}</td>
<td class="num" data-label="${w.appraised}">${r.appraised_points === null || r.appraised_points === undefined ? html`<span class="meta">${w.notAppraised}</span>` : num(r.appraised_points)}</td><td data-label="${w.comment}">${r.appraisal_note ?? ''}</td></tr>`)}
<tr class="total"><td class="name" data-label="">${w.total}</td><td class="num" data-label="${w.max}">${num(sum('max_points'))}</td><td class="num" data-label="${w.self}">${num(sum('self_points'))}</td><td class="num" data-label="${w.appraised}">${num(sum('appraised_points'))}</td><td data-label=""></td></tr></tbody></table></div>
<p class="appraisal-total"><strong>${w.appraisalTotal(num(sum('points')), num(sum('max_points')))}</strong></p></section>`
      : components.some((r) => r.self_points !== null) ? html`<p class="meta">${w.waiting}</p>` : '';
    // On AWS each file goes straight to the bucket, one a form (an S3 POST takes one file): a form per component.
    const direct = deps.directUpload ? { ...deps, directUpload: deps.directUpload } : null;
    const selfForm = direct
      ? await directForm(c, direct, who, { target: { kind: 'report', unit: unit.code }, maxBytes: LIMITS.maxFileBytes, back: withLang('/nop/tai-len', lang), lang, accept: '.xlsx,.csv', label: w.sendSelf, button: w.sendSelfButton })
      : html`<form method="post" action="${withLang('/nop', lang)}" enctype="multipart/form-data"><label>${w.sendSelf}<input type="file" name="file" accept=".xlsx,.csv" required></label><button type="submit">${w.sendSelfButton}</button></form>`;
    const directForms = new Map<string, HtmlEscapedString>();
    if (direct && !appraised) {
      for (const r of components) {
        const code = String(r.indicator_code);
        directForms.set(code, await directForm(c, direct, who, {
          target: { kind: 'evidence', unit: unit.code, period, component: code }, maxBytes: EVIDENCE_LIMITS.maxFileBytes,
          back: withLang('/nop/kiem-chung/tai-len', lang), lang, accept: ACCEPTED_EXTENSIONS.join(','), label: w.choose(nameOf(code)), button: w.attachOne, id: `ev-${code}`, buttonClass: 'big',
        }));
      }
    }
    return renderPage(frame(c, lang, `${w.title}: ${periodLabel(period, lang)}`), html`<p class="back"><a href="${withLang('/nop', lang)}">${w.back}</a></p>
<h1>${w.title} — ${unitName}</h1><p class="meta">${periodLabel(period, lang)}</p>${notice}
${appraised ? '' : html`<section class="assessment-template"><p class="unit-link"><a href="${assessmentTemplatePath(period)}" download><strong>${w.template}</strong></a></p><p class="meta">${w.templateHint}</p></section>`}${appraisal}
${missingList(missing, nameOf, lang)}
<section class="share"><h2>${w.selfTitle}</h2>${selfForm}</section>
<section class="evidence-form"><h2>${w.evidence}</h2><p class="meta">${w.hint}</p>
${appraised ? html`<p class="meta">${w.attachClosed}</p>` : direct ? '' : html`<form method="post" action="${withLang(`/nop/kiem-chung?period=${period}`, lang)}" enctype="multipart/form-data">`}
${components.map((r) => {
    const code = String(r.indicator_code);
    return html`<article class="review" data-component="${code}"><h3>${nameOf(code)}</h3>
<p>${w.max}: ${num(r.max_points)} · ${w.self}: <strong>${num(r.self_points)}</strong>${r.self_note ? html` · ${w.note}: ${r.self_note}` : ''}</p>
${evidenceList(records, code, lang, deps.localTime, !appraised)}
${appraised ? '' : direct ? directForms.get(code) : html`<label for="ev-${code}">${w.choose(nameOf(code))}</label><input id="ev-${code}" type="file" name="evidence_${code}" multiple accept="${ACCEPTED_EXTENSIONS.join(',')}">`}</article>`;
  })}
${appraised || direct ? '' : html`<button class="big" type="submit">${w.attach}</button></form>`}
${appraised ? '' : records.map((r) => html`<form id="go-${r.id}" method="post" action="${withLang(`/nop/kiem-chung/go?period=${period}`, lang)}" hidden><input type="hidden" name="id" value="${r.id}"></form>`)}</section>`);
  }

  /** The clerk, the period asked and its components, or the page that refuses (a form posted from elsewhere too). */
  async function clerkPeriod(c: Context, posted: boolean) {
    const r = await clerk(c);
    if (r instanceof Response) return r;
    const lang = langOf(c);
    const w = EVIDENCE_WORDS[lang];
    if (posted && !sameOrigin(c, deps)) return c.text('', 403);
    const period = periodOf(c);
    if (!period) return c.html(renderNotice(lang, w.title, w.badPeriod), 400);
    const components = await componentsOf(r.unit.code, period);
    if (components.length === 0) return c.html(renderNotice(lang, w.title, w.noFramework), 404);
    return { r, lang, w, period, components };
  }

  app.get('/nop/kiem-chung', async (c) => {
    const asked = await clerkPeriod(c, false);
    if (asked instanceof Response) return asked;
    const { r, lang, w, period, components } = asked;
    const records = await listEvidence(deps.store, r.unit.code, period);
    const saved = Number(c.req.query('kc'));
    const again = c.req.query('lai');
    const removed = c.req.query('go');
    const notice = html`${Number.isInteger(saved) && saved > 0 ? html`<p class="confirm" role="status">${w.attached(saved)}</p>` : ''}${again ? html`<p class="meta">${w.again(again)}</p>` : ''}${removed ? html`<p class="confirm" role="status">${w.removed(removed)}</p>` : ''}`;
    return c.html(await page(c, lang, r.who, r.unit, period, components, records, notice));
  });

  // The self-assessment to fill: the framework in force for the unit's type at the period's end, whatever values the lake holds yet.
  app.get('/nop/kiem-chung/mau.xlsx', async (c) => {
    const r = await clerk(c);
    if (r instanceof Response) return r;
    const lang = langOf(c);
    const w = EVIDENCE_WORDS[lang];
    const period = periodOf(c);
    if (!period) return c.html(renderNotice(lang, w.title, w.badPeriod), 400);
    const catalog = deps.catalog.catalog;
    const components = componentsInForce(catalog.frameworks ?? [], r.unit.type, period);
    if (components.length === 0) return c.html(renderNotice(lang, w.title, w.noFramework), 404);
    const deadline = deadlineOf(catalog.calendar ?? [], period, catalog.holidays ?? []);
    const bytes = await (await lazy.assessmentTemplate()).assessmentTemplate(r.unit, period, components, { indicators: catalog.indicators, deadline });
    c.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    c.header('Content-Disposition', `attachment; filename="mau-tu-cham-diem-${r.unit.code}-${period}.xlsx"`);
    c.header('Cache-Control', 'private, no-store');
    return c.body(new Uint8Array(bytes));
  });

  // The body is capped by bodyLimits.ts before it is read (the files of one form together).
  app.post('/nop/kiem-chung', async (c) => {
    const asked = await clerkPeriod(c, true);
    if (asked instanceof Response) return asked;
    const { r, lang, w, period, components } = asked;
    // What the province appraised stays as it was: nothing is added afterwards.
    if (isAppraised(components)) return c.html(renderNotice(lang, w.title, w.attachClosed), 409);
    const form = await c.req.parseBody({ all: true });
    const uploads: EvidenceUpload[] = [];
    for (const [name, value] of Object.entries(form)) {
      const m = /^evidence_(.+)$/.exec(name);
      if (!m) continue;
      for (const file of [value].flat()) {
        if (file instanceof File && file.name) uploads.push({ component: m[1]!, fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
      }
    }
    if (uploads.length === 0) return refusedPage(c, lang, r, period, components, [{ vi: w.nothing, en: w.nothing }], 400);
    return attachAndAnswer(c, lang, r, period, components, uploads);
  });

  /** The page again with why the files were refused, nothing kept. */
  async function refusedPage(c: Context, lang: Lang, r: { who: Principal; unit: Unit }, period: string, components: Row[], list: { vi: string; en: string }[], status: 400 | 422) {
    const w = EVIDENCE_WORDS[lang];
    const problems = html`<div class="notice" role="alert"><p>${w.refused}</p><ul>${list.map((p) => html`<li>${p[lang]}</li>`)}</ul></div>`;
    return c.html(await page(c, lang, r.who, r.unit, period, components, await listEvidence(deps.store, r.unit.code, period), problems), status);
  }

  /** Files attached all or none (checked by content), answered at the page's own address (POST-redirect-GET). */
  async function attachAndAnswer(c: Context, lang: Lang, r: { who: Principal; unit: Unit }, period: string, components: Row[], uploads: EvidenceUpload[]) {
    const result = await attachEvidence(deps.store, { unit: r.unit.code, period, components: components.map((x) => String(x.indicator_code)), uploads, uploadedBy: r.who.id, at: deps.now() });
    if (result.status === 'refused') return refusedPage(c, lang, r, period, components, result.problems, 422);
    const again = result.again.length ? `&lai=${encodeURIComponent(result.again.join(', '))}` : '';
    return c.redirect(withLang(`/nop/kiem-chung?period=${period}&kc=${result.records.length}${again}`, lang), 303);
  }

  // S3 sends the browser here once an evidence file posted straight to the bucket is staged (AWS,
  // directUploadForms.ts): the same checks by content as the form above, one file, removed from staging after.
  app.get('/nop/kiem-chung/tai-len', async (c) => {
    const lang = langOf(c);
    const w = EVIDENCE_WORDS[lang];
    if (!(await pagePrincipal(c, deps))) {
      const bounced = await bounceOnce(c, lang);
      if (bounced) return bounced;
    }
    const r = await clerk(c);
    if (r instanceof Response) return r;
    if (!deps.directUpload) return c.html(renderNotice(lang, w.title, lang === 'vi' ? 'Không tìm thấy' : 'Not found'), 404);
    const staged = await takeStaged(c, { ...deps, directUpload: deps.directUpload }, r.who, 'evidence', EVIDENCE_LIMITS.maxFileBytes, lang, w.title);
    if (staged instanceof Response) return staged;
    try {
      const target = staged.staged.target;
      if (target.kind !== 'evidence') throw new Error('not evidence');
      const { period, component } = target;
      const components = await componentsOf(r.unit.code, period);
      if (components.length === 0) return c.html(renderNotice(lang, w.title, w.noFramework), 404);
      if (isAppraised(components)) return c.html(renderNotice(lang, w.title, w.attachClosed), 409);
      return await attachAndAnswer(c, lang, r, period, components, [{ component, fileName: staged.staged.fileName, bytes: await staged.read() }]);
    } finally {
      await staged.done();
    }
  });

  // A file attached by mistake is taken back, until the province has appraised the period (then it is what was appraised).
  app.post('/nop/kiem-chung/go', async (c) => {
    const asked = await clerkPeriod(c, true);
    if (asked instanceof Response) return asked;
    const { r, lang, w, period, components } = asked;
    if (isAppraised(components)) return c.html(renderNotice(lang, w.title, w.removeClosed), 409);
    const id = String((await c.req.parseBody()).id ?? '');
    const removed = await removeEvidence(deps.store, r.unit.code, period, id);
    if (!removed) return c.html(renderNotice(lang, lang === 'vi' ? 'Không tìm thấy' : 'Not found', lang === 'vi' ? 'Không có tệp này.' : 'No such file.'), 404);
    // Taken back before the appraisal, yet evidence a unit once sent: who removed what, and when, is kept.
    await deps.admin?.audit.record('evidence.remove', { id: r.who.id, name: r.who.name, address: clientAddress(c) }, { target: `${r.unit.code}/${period}/${removed.component}/${removed.id}`, detail: `${removed.file_name} (${removed.size_bytes} bytes, sha256 ${removed.sha256.slice(0, 16)}…)` });
    return c.redirect(withLang(`/nop/kiem-chung?period=${period}&go=${encodeURIComponent(removed.file_name)}`, lang), 303);
  });

  // A download, never a page: attachment and nosniff for every kind (images and PDF too), so nothing a unit sent is rendered here.
  app.get('/nop/kiem-chung/:unit/:period/:id', async (c) => {
    const who = await pagePrincipal(c, deps);
    const lang = langOf(c);
    const notFound = () => c.html(renderNotice(lang, lang === 'vi' ? 'Không tìm thấy' : 'Not found', lang === 'vi' ? 'Không có tệp này.' : 'No such file.'), 404);
    if (!who) {
      // A code that opens nothing (a leader's link, an expired token) is refused, not sent to sign in.
      if (c.req.header('authorization')) return c.html(renderNotice(lang, EVIDENCE_WORDS[lang].evidence, lang === 'vi' ? 'Mã không mở được tệp này.' : 'This code does not open this file.'), 403);
      return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
    }
    const { unit, period, id } = c.req.param();
    if (!mayReadEvidence(who, unit)) return notFound();
    if (!CANONICAL_PERIOD.test(period) || !deps.catalog.catalog.units.some((u) => u.code === unit)) return notFound();
    // On AWS a file past the function's response cap is fetched from the bucket, at a signed address made a download.
    if (deps.directDownload && isEvidenceId(id)) {
      const meta = await deps.store.get(evidenceKeys.record(unit, period, id));
      const record = meta ? JSON.parse(Buffer.from(meta).toString('utf8')) as EvidenceRecord : null;
      if (record && record.unit === unit && record.period === period && record.size_bytes > FUNCTION_RESPONSE_MAX_FILE_BYTES) {
        c.header('Cache-Control', 'private, no-store');
        return c.redirect(await deps.directDownload.url(evidenceKeys.file(unit, period, id), { fileName: record.file_name, contentType: record.content_type, expiresSeconds: DIRECT_DOWNLOAD_EXPIRES_SECONDS }), 302);
      }
    }
    const found = await readEvidence(deps.store, unit, period, id);
    if (!found) return notFound();
    const name = found.record.file_name;
    c.header('Content-Type', found.record.content_type);
    c.header('Content-Disposition', `attachment; filename="${name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\w.-]+/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Content-Security-Policy', "sandbox; default-src 'none'");
    c.header('Cache-Control', 'private, no-store');
    return c.body(found.bytes as Uint8Array<ArrayBuffer>);
  });
}

