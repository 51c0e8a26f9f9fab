import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Indicator, Unit } from '../../domain/types.ts';
import { dayNumber } from '../../domain/dates.ts';
import { periodDeadlines, type CalendarPeriod, type CalendarRule } from '../../domain/registry/calendar.ts';
import { periodRows } from '../../domain/registry/periods.ts';
import { CANONICAL_PERIOD } from '../../domain/ingest/parsePeriod.ts';
import { formatReceipt, receiptCode } from '../../domain/receiptCode.ts';
import type { IngestResult, ReportedError } from '../../services/ingestFile.ts';
import { formatDate, formatNumber, periodLabel, type Lang } from './renderPages.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
type Row = Record<string, unknown>;

/** The clerk's words, in both languages: every page of /nop reads them from here. */
export const CLERK_WORDS = {
  vi: {
    title: 'Nộp báo cáo', send: 'Gửi báo cáo', file: 'Chọn tệp báo cáo (.xlsx hoặc .csv)', template: 'Tải mẫu', templateFor: 'Mẫu báo cáo cho kỳ', download: 'Tải mẫu .xlsx',
    history: 'Báo cáo đã nộp', none: 'Chưa nộp báo cáo nào.', accepted: 'Đã nhận', rejected: 'Bị từ chối', again: 'Tệp này đã được nhận trước đó; không ghi thêm.',
    period: 'Kỳ', at: 'Thời điểm', by: 'Người gửi', status: 'Trạng thái', fileCol: 'Tệp', values: 'Các giá trị đã đọc được — hãy kiểm tra lại:',
    indicator: 'Chỉ tiêu', value: 'Giá trị', num: 'Tử số', den: 'Mẫu số', errors: 'Lỗi cần sửa, theo dòng:', row: 'Dòng', sheet: 'Trang', back: 'Nộp tệp khác',
    noUnit: 'Tài khoản này không gắn với đơn vị nào; trang nộp báo cáo dành cho cán bộ của một đơn vị.', busy: 'Máy chủ đang xử lý nhiều tệp; hãy gửi lại sau ít phút.',
    withdrawn: 'rút', whole: 'Cả tệp',
    approvedByHead: 'Lãnh đạo đã duyệt', approvedOnSwitch: 'Đã duyệt (gửi trước khi bật duyệt)', returnedByHead: 'Lãnh đạo trả lại', awaitingHead: 'Chờ lãnh đạo duyệt',
    warnings: 'Cảnh báo — số liệu vẫn được nhận, nhưng nên xem lại hoặc giải trình:', explain: 'Gửi giải trình', explained: 'Đã giải trình', explainLabel: 'Giải trình (vì sao số liệu như vậy)',
    explainHint: 'Viết giải trình vào các ô cần thiết rồi bấm một lần; ô để trống không được gửi.', explainedNow: (n: number) => `Đã lưu ${n} giải trình.`,
    receipt: 'Mã tiếp nhận', receiptTwice: (code: string, ids: string[]) => `Mã tiếp nhận ${code} trùng với ${ids.length} tệp (${ids.join(', ')}); hãy mở tệp từ danh sách báo cáo đã nộp.`, sentAt: 'Gửi lúc', onTime: 'đúng hạn', lateBy: (n: number) => `nộp muộn ${n} ngày`, deadline: 'hạn nộp',
    unitValues: (n: string, unit: string) => `${n} giá trị của ${unit}`, fileValues: (n: string) => `cả tệp ${n} giá trị`,
    periods: 'Các kỳ báo cáo', sendNow: 'Cần gửi ngay', noPeriods: 'Chưa có kỳ nào phải báo cáo.', errorsLink: 'xem lỗi', answerLink: 'xem kết quả',
    state: {
      late: (r: Row) => `Quá hạn ${r.days_late} ngày, chưa nộp`,
      due: (r: Row) => (Number(r.days_left) === 0 ? 'Đến hạn: hạn nộp là hôm nay' : `Đến hạn: còn ${r.days_left} ngày`),
      open: () => 'Đang trong kỳ, chưa đến hạn',
      returned: () => 'Bị trả lại — hãy sửa và gửi lại',
      waiting: () => 'Đã gửi, chờ lãnh đạo duyệt',
      approved: () => 'Lãnh đạo đã duyệt',
      received: () => 'Đã nhận',
    } as Record<string, (r: Row) => string>,
    returnedBanner: (period: string, by: string) => `Báo cáo ${period} bị trả lại${by ? ` (${by})` : ''}`,
    returnedWhat: 'Ý kiến của lãnh đạo:',
    jump: (a: string, b: string, up: boolean) => `Tỷ lệ ${up ? 'tăng' : 'giảm'} từ ${a} ${up ? 'lên' : 'xuống'} ${b} so với kỳ trước`,
    denominator: (a: string, b: string, up: boolean) => `Mẫu số ${up ? 'tăng' : 'giảm'} từ ${a} ${up ? 'lên' : 'xuống'} ${b} so với kỳ trước`,
    outlier: (v: string, m: string) => `${v}, khác xa các đơn vị cùng kỳ (trung vị ${m})`,
  },
  en: {
    title: 'Submit a report', send: 'Send the report', file: 'Choose the report file (.xlsx or .csv)', template: 'Template', templateFor: 'Report template for the period', download: 'Download .xlsx template',
    history: 'Reports sent', none: 'No reports yet.', accepted: 'Accepted', rejected: 'Rejected', again: 'This file was accepted before; nothing was added.',
    period: 'Period', at: 'Time', by: 'Sent by', status: 'Status', fileCol: 'File', values: 'The values as read — please check them:',
    indicator: 'Indicator', value: 'Value', num: 'Numerator', den: 'Denominator', errors: 'Errors to fix, by row:', row: 'Row', sheet: 'Sheet', back: 'Send another file',
    noUnit: 'This account belongs to no unit; the report pages are for a unit\'s staff.', busy: 'The server is processing many files; send it again in a few minutes.',
    withdrawn: 'withdrawn', whole: 'The whole file',
    approvedByHead: 'Approved by the head', approvedOnSwitch: 'Approved (sent before approval was switched on)', returnedByHead: 'Returned by the head', awaitingHead: 'Waiting for the head\'s approval',
    warnings: 'Warnings — the figures are accepted, but worth a second look or an explanation:', explain: 'Send the explanations', explained: 'Explained', explainLabel: 'Explanation (why the figure is so)',
    explainHint: 'Write in the boxes that need it, then press once; empty boxes are not sent.', explainedNow: (n: number) => `${n} explanation${n === 1 ? '' : 's'} saved.`,
    receipt: 'Receipt number', receiptTwice: (code: string, ids: string[]) => `Receipt number ${code} matches ${ids.length} files (${ids.join(', ')}); open the file from the list of reports sent.`, sentAt: 'Sent at', onTime: 'on time', lateBy: (n: number) => `${n} day${n === 1 ? '' : 's'} late`, deadline: 'deadline',
    unitValues: (n: string, unit: string) => `${n} values of ${unit}`, fileValues: (n: string) => `${n} in the whole file`,
    periods: 'Reporting periods', sendNow: 'To send now', noPeriods: 'No period to report yet.', errorsLink: 'see the errors', answerLink: 'see the answer',
    state: {
      late: (r: Row) => `Overdue by ${r.days_late} days, not sent`,
      due: (r: Row) => (Number(r.days_left) === 0 ? 'Due today' : `Due: ${r.days_left} days left`),
      open: () => 'Period under way, not yet due',
      returned: () => 'Returned — correct it and send again',
      waiting: () => 'Sent, waiting for the head\'s approval',
      approved: () => 'Approved by the head',
      received: () => 'Received',
    } as Record<string, (r: Row) => string>,
    returnedBanner: (period: string, by: string) => `The report for ${period} was returned${by ? ` (${by})` : ''}`,
    returnedWhat: 'The head\'s comment:',
    jump: (a: string, b: string, up: boolean) => `The share ${up ? 'rose' : 'fell'} from ${a} to ${b} since the previous period`,
    denominator: (a: string, b: string, up: boolean) => `The denominator ${up ? 'rose' : 'fell'} from ${a} to ${b} since the previous period`,
    outlier: (v: string, m: string) => `${v}, far from the other units this period (median ${m})`,
  },
};
export type ClerkWords = (typeof CLERK_WORDS)['vi'];

/** The receipt number a clerk quotes over the phone: "K7QM-4XRT", derived from the submission id (domain/receiptCode.ts). */
export const receiptOf = (submissionId: string) => formatReceipt(receiptCode(submissionId));

/** The answer page of a file, at its receipt number: the address a clerk can read out or type. */
export const answerPath = (submissionId: string, lang: Lang) => `/nop/nhan/${receiptOf(submissionId)}${lang === 'en' ? '?lang=en' : ''}`;

/** An action still open for a period: these come first on /nop. */
export const TO_SEND = new Set(['returned', 'late', 'due', 'open']);

/**
 * Codes in a message (an indicator's OFFICIAL_EMAIL, a unit's xa-te-lo-2025) written as people
 * know them: the indicator's short name, the unit's name. Longest codes first, never inside a word.
 */
export function namer(indicators: readonly Indicator[], units: readonly Unit[], lang: Lang): (text: string) => string {
  const names = new Map<string, string>();
  for (const u of units) names.set(u.code, lang === 'vi' ? u.nameVi : u.nameEn);
  for (const i of indicators) names.set(i.code, `"${lang === 'vi' ? i.shortNameVi : i.shortNameEn}"`);
  const codes = [...names.keys()].sort((a, b) => b.length - a.length).map((c) => c.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\w-])(${codes.join('|')})(?![\\w-])`, 'g');
  return (text) => text.replace(pattern, (code) => names.get(code) ?? code);
}

/** The deadline of a period by the deployment's calendar (null: none set); working days skip weekends and the registry's holidays. */
export function deadlineOf(rules: readonly CalendarRule[], period: string, holidays: readonly { date: string }[] = []): string | null {
  if (!CANONICAL_PERIOD.test(period)) return null;
  const row = periodRows(Number(period.slice(0, 4)), Number(period.slice(0, 4))).find((p) => p.period === period);
  return row ? (periodDeadlines(rules, [row as unknown as CalendarPeriod], holidays)[0]?.deadline ?? null) : null;
}

/** Days a file sent at a local day (YYYY-MM-DD) is late for a deadline: 0 when on time. */
export const daysLate = (sentLocalDay: string, deadline: string) => Math.max(0, dayNumber(sentLocalDay) - dayNumber(deadline));

/** "Quá hạn 55 ngày, chưa nộp · Hạn nộp 10/10/2026": a period's state in words. */
export function stateText(r: Row, lang: Lang): string {
  const w = CLERK_WORDS[lang];
  const code = String(r.status_code);
  const base = (w.state[code] ?? w.state.received!)(r);
  const late = Number(r.days_late ?? 0);
  if (code === 'received' || code === 'approved' || code === 'waiting') {
    return `${base}, ${late > 0 ? w.lateBy(late) : w.onTime}`;
  }
  return base;
}

/**
 * The unit's periods with their state, the one to send now first; a returned report as a banner
 * above, then what to send (the forms, given), then the list.
 */
export function periodsSection(rows: Row[], lang: Lang, forms: Html = html``): Html {
  const w = CLERK_WORDS[lang];
  if (rows.length === 0) return html`${forms}<section class="periods"><h2>${w.periods}</h2><p class="meta">${w.noPeriods}</p></section>`;
  const next = rows[0] && TO_SEND.has(String(rows[0].status_code)) ? rows[0] : null;
  const item = (r: Row) => {
    const code = String(r.status_code);
    const id = r.last_submission_id ? String(r.last_submission_id) : null;
    return html`<li class="period ${code}" data-period="${r.period}" data-status="${code}"><span class="what">${periodLabel(String(r.period), lang)}</span>
<span class="state">${stateText(r, lang)}</span><span class="deadline">${lang === 'vi' ? 'Hạn nộp' : 'Deadline'}: ${formatDate(String(r.deadline))}</span>${id && !TO_SEND.has(code) ? html`<a class="receipt" href="${answerPath(id, lang)}">${w.receipt}: ${receiptOf(id)}</a>` : ''}</li>`;
  };
  return html`${rows.filter((r) => r.status_code === 'returned').map((r) => html`<div class="returned-banner" role="alert" data-period="${r.period}"><h2>${w.returnedBanner(periodLabel(String(r.period), lang), String(r.decided_by_name ?? ''))}</h2>
<p>${w.returnedWhat}</p><blockquote class="comment">${r.comment ?? ''}</blockquote>${r.last_submission_id ? html`<p><a href="${answerPath(String(r.last_submission_id), lang)}">${w.answerLink} (${w.receipt}: ${receiptOf(String(r.last_submission_id))})</a></p>` : ''}</div>`)}
${next ? html`<p class="send-now" data-period="${next.period}"><b>${w.sendNow}: ${periodLabel(String(next.period), lang)}</b> — ${stateText(next, lang)} (${w.deadline} ${formatDate(String(next.deadline))})</p>` : ''}${forms}
<section class="periods"><h2>${w.periods}</h2><ul class="periods">${rows.map(item)}</ul></section>`;
}

/** A quality warning in words: from what to what, with the indicator's short name. */
export function warningText(r: Row, lang: Lang): string {
  const w = CLERK_WORDS[lang];
  const value = typeof r.value === 'number' ? r.value : null;
  const reference = typeof r.reference === 'number' ? r.reference : null;
  const pct = (x: number) => `${formatNumber(x, lang)}%`;
  if (value !== null && reference !== null) {
    if (r.kind === 'jump') return w.jump(pct(reference), pct(value), value > reference);
    if (r.kind === 'denominator') return w.denominator(formatNumber(reference, lang), formatNumber(value, lang), value > reference);
    if (r.kind === 'outlier') return w.outlier(pct(value), pct(reference));
  }
  return String((lang === 'vi' ? r.message : r.message_en) ?? '');
}

/** Every warning of the unit's periods, with its explanation or a box for one: one form, one send. */
export function warningsSection(rows: Row[], indicators: ReadonlyMap<string, Indicator>, lang: Lang, back: string, saved: number | null): Html {
  const w = CLERK_WORDS[lang];
  if (rows.length === 0) return html`${saved ? html`<p class="confirm" role="status">${w.explainedNow(saved)}</p>` : ''}`;
  const open = rows.filter((r) => !r.explanation);
  const item = (r: Row, i: number) => {
    const indicator = r.indicator_code ? indicators.get(String(r.indicator_code)) : null;
    const what = indicator ? (lang === 'vi' ? indicator.shortNameVi : indicator.shortNameEn) : w.whole;
    const key = `${r.period}|${r.indicator_code ?? ''}|${r.kind}`;
    return html`<li data-kind="${r.kind}" data-indicator="${r.indicator_code ?? ''}"><b>${what}</b> (${periodLabel(String(r.period), lang)}): ${warningText(r, lang)}
${r.explanation ? html`<p class="explained">${w.explained}: ${r.explanation}</p>` : html`<label for="gt${i}">${w.explainLabel}</label><textarea id="gt${i}" name="gt:${key}" rows="2" maxlength="2000"></textarea>`}</li>`;
  };
  const list = html`<ul class="warnings">${rows.map(item)}</ul>`;
  return html`<section class="warnings"><h2>${w.warnings}</h2>${saved ? html`<p class="confirm" role="status">${w.explainedNow(saved)}</p>` : ''}
${open.length ? html`<form method="post" action="/nop/giai-trinh${lang === 'en' ? '?lang=en' : ''}" class="explain"><input type="hidden" name="back" value="${back}"><p class="meta">${w.explainHint}</p>${list}<button type="submit" class="big">${w.explain}</button></form>` : list}</section>`;
}

/** How a file's rows are named to its sender: no "Trang" (sheet) for a CSV, which has none. */
export function whereText(e: Pick<ReportedError, 'sheet' | 'row'>, format: string, lang: Lang): string {
  const w = CLERK_WORDS[lang];
  const row = e.row === null ? '' : `${format === 'csv' ? w.row : w.row.toLowerCase()} ${e.row}`;
  if (format === 'csv' || !e.sheet) return row;
  return row ? `${w.sheet} ${e.sheet}, ${row}` : `${w.sheet} ${e.sheet}`;
}

/** Every error of a refused file, by row, with its column and the indicator and unit named, never coded. */
export function errorsList(result: IngestResult, lang: Lang, name: (text: string) => string): Html {
  const w = CLERK_WORDS[lang];
  const byRow = new Map<string, ReportedError[]>();
  for (const e of result.errors) {
    const key = e.row === null ? '' : `${e.sheet}\u0000${e.row}`;
    byRow.set(key, [...(byRow.get(key) ?? []), e]);
  }
  return html`<p>${w.errors}</p><ul class="errors">${[...byRow.entries()].map(([key, errors]) => {
    const [sheet, row] = key.split('\u0000');
    return html`<li>${key ? html`<b>${whereText({ sheet: sheet!, row: Number(row) }, result.format, lang)}</b>` : ''}<ul>${errors.map((e) => html`<li data-code="${e.code}">${e.column ? html`<b>${lang === 'vi' ? 'Cột' : 'Column'} ${e.column}</b>: ` : ''}${name(lang === 'vi' ? e.message_vi : e.message_en)}</li>`)}</ul></li>`;
  })}</ul>`;
}

/** "Gửi lúc 08/04/2025 09:00 · Quý I/2025: nộp muộn 3 ngày (hạn nộp 10/04/2025)". */
export function timelinessText(periods: string[], sentLocal: string, rules: readonly CalendarRule[], lang: Lang, holidays: readonly { date: string }[] = []): string {
  const w = CLERK_WORDS[lang];
  return periods.map((p) => {
    const deadline = deadlineOf(rules, p, holidays);
    if (!deadline) return periodLabel(p, lang);
    const late = daysLate(sentLocal.slice(0, 10), deadline);
    return `${periodLabel(p, lang)}: ${late > 0 ? w.lateBy(late) : w.onTime} (${w.deadline} ${formatDate(deadline)})`;
  }).join('; ');
}

