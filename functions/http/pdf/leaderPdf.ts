import type { Plain } from '../tableRows.ts';
import { LATER_FIGURE, type Summary } from '../pages/leaderSummary.ts';
import { formatDate, formatNumber, periodLabel, valueMarks, type Lang } from '../pages/renderPages.ts';
import { createPdf, drawMottoHeader, drawTable, pdfBytes, vietnameseDocumentDate, type Pdf, type PdfColumn } from './pdfDocument.ts';

/**
 * A leader's link as a PDF to forward or print: A4 landscape, the national motto header, the
 * summary, the rankings and the scorecard with every indicator inside the page width (indicators
 * as columns under their short names and targets, headers wrapped). The numbers are the page's
 * own (the same rows, formatted as the page formats them). A lazy module: pdfkit and the font
 * load only when a PDF is asked for.
 */

type Row = Record<string, Plain>;

export interface LeaderPdfInput {
  lang: Lang;
  /** The page's title, as the registry of the period names the level. */
  title: string;
  period: string | null;
  /** The motto header's issuer: the body that issued the decision of a published period, else who shared the page. */
  issuer: string;
  /** YYYY-MM-DD, local. */
  issued: string;
  /** "Liên kết do … chia sẻ, có hiệu lực đến …". */
  sharedLine: string;
  summary: Summary | null;
  /** Results by saved-query name, as the page shows them. */
  results: ReadonlyMap<string, Row[]>;
  /** Each indicator's full name in the page's language, by code. */
  indicatorNames: ReadonlyMap<string, string>;
  /**
   * "Đã công bố theo Quyết định số … ngày …": the DTI ranking is a published period's (null:
   * today's figures); `whole`: the page's own query is, and the note heads the document.
   */
  published?: { note: string; whole: boolean } | null;
  created?: Date;
}

const W = {
  vi: {
    summary: 'Tóm tắt', ranking: 'Xếp hạng', scorecard: 'Bảng điểm theo chỉ số', key: 'Các chỉ số', timeliness: 'Tình hình nộp báo cáo',
    unit: 'Đơn vị', rank: 'Hạng', share: 'Tỷ lệ đạt (%)', met: 'Chỉ tiêu đạt', points: 'Tổng điểm (/1.000)', previous: 'Kỳ trước', change: 'Thay đổi',
    shortName: 'Tên ngắn', fullName: 'Chỉ số', target: 'Chỉ tiêu', status: 'Tình trạng', days: 'Số ngày trễ / quá hạn', deadline: 'Hạn nộp',
    yes: 'đạt', no: 'chưa đạt', notReported: 'chưa báo cáo', up: 'tăng', down: 'giảm', to: 'đến', period: 'Kỳ báo cáo', issued: 'Ngày phát hành',
    dtiRanking: 'Theo điểm chuyển đổi số (DTI)', group: 'Nhóm xếp hạng', shareRanking: 'Theo tỷ lệ chỉ tiêu đạt', metCount: 'Số chỉ tiêu đạt',
  },
  en: {
    summary: 'Summary', ranking: 'Ranking', scorecard: 'Scorecard by indicator', key: 'Indicators', timeliness: 'Reporting on time',
    unit: 'Unit', rank: 'Rank', share: 'Share met (%)', met: 'Targets met', points: 'Total points (of 1,000)', previous: 'Previous period', change: 'Change',
    shortName: 'Short name', fullName: 'Indicator', target: 'Target', status: 'Status', days: 'Days late / overdue', deadline: 'Deadline',
    yes: 'met', no: 'not met', notReported: 'not reported', up: 'up', down: 'down', to: 'to', period: 'Period', issued: 'Issued',
    dtiRanking: 'By digital-transformation points (DTI)', group: 'Ranking group', shareRanking: 'By share of targets met', metCount: 'Targets met',
  },
};

const num = (v: Plain | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The embedded font has no ✓ ✗ ▲ ▼ →: the PDF says them in words. */
export function pdfWords(text: string, lang: Lang): string {
  const w = W[lang];
  return text.replace(/▲\s*/g, `${w.up} `).replace(/▼\s*/g, `${w.down} `).replace(/\s*→\s*/g, ` ${w.to} `)
    .replace(/\s*✓/g, ` ${w.yes}`).replace(/\s*✗/g, ` ${w.no}`);
}

function heading(doc: Pdf, text: string): void {
  if (doc.y > doc.page.height - doc.page.margins.bottom - 60) doc.addPage();
  doc.font('bold').fontSize(12).text(text, doc.page.margins.left, doc.y + 4);
  doc.font('regular').fontSize(10).moveDown(0.3);
}

function summaryPart(doc: Pdf, summary: Summary, lang: Lang): void {
  heading(doc, W[lang].summary);
  const columns: PdfColumn[] = summary.tiles.map((t) => ({ header: t.label, weight: 1 }));
  drawTable(doc, columns, [summary.tiles.map((t) => pdfWords(t.value, lang)), summary.tiles.map((t) => pdfWords(t.detail, lang))], { fontSize: 9, boldRows: new Set([0]) });
  for (const block of [summary.behind, summary.improved]) {
    if (!block || block.units.length === 0) continue;
    doc.font('bold').fontSize(10).text(block.title, doc.page.margins.left);
    doc.font('regular').fontSize(10);
    block.units.forEach((u, i) => doc.text(`${i + 1}. ${u.name}: ${pdfWords(u.text, lang)}${u.later ? ` (${u.later})` : ''}`, { indent: 10 }));
    doc.moveDown(0.4);
  }
}

function rankingPart(doc: Pdf, results: ReadonlyMap<string, Row[]>, lang: Lang, publishedNote: string | null): void {
  const w = W[lang];
  const share = results.get('unit_ranking');
  const dti = results.get('dti_ranking');
  if (!share && !dti) return;
  heading(doc, w.ranking);
  if (dti?.length) {
    doc.font('bold').fontSize(10).text(w.dtiRanking).font('regular');
    if (publishedNote) doc.fontSize(9).text(publishedNote).fontSize(10);
    // Units are ranked within their group (departments, communes): the group beside each rank says so.
    const groups = new Set(dti.map((r) => r.ranking_group_name ?? null));
    const grouped = groups.size > 1;
    drawTable(doc, [
      ...(grouped ? [{ header: w.group, weight: 2 }] : []),
      { header: w.rank, weight: 0.6, align: 'right' }, { header: w.unit, weight: 4 }, { header: w.points, weight: 1.4, align: 'right' },
      { header: w.previous, weight: 1.2, align: 'right' }, { header: w.change, weight: 1.2, align: 'right' },
    ] as PdfColumn[], dti.map((r) => {
      const points = num(r.total_points);
      const before = num(r.previous_points);
      const delta = points !== null && before !== null ? Math.round((points - before) * 10) / 10 : null;
      // A published figure corrected since says so under it ("có số liệu mới hơn").
      const shown = points === null ? w.notReported : formatNumber(points, lang);
      return [...(grouped ? [String(r.ranking_group_name ?? '')] : []), num(r.rank) === null ? '–' : String(r.rank), String(r.unit_name), typeof r[LATER_FIGURE] === 'string' ? `${shown}\n${r[LATER_FIGURE]}` : shown,
        before === null ? '–' : formatNumber(before, lang), delta === null ? '–' : delta === 0 ? '0' : `${delta > 0 ? '+' : '−'}${formatNumber(Math.abs(delta), lang)}`];
    }), { fontSize: 8.5 });
  }
  if (share?.length) {
    doc.font('bold').fontSize(10).text(w.shareRanking, doc.page.margins.left).font('regular');
    drawTable(doc, [
      { header: w.rank, weight: 0.6, align: 'right' }, { header: w.unit, weight: 4 }, { header: w.share, weight: 1.4, align: 'right' }, { header: w.metCount, weight: 1.4, align: 'right' },
    ], share.map((r) => [num(r.rank) === null ? '–' : String(r.rank), String(r.unit_name),
      num(r.indicators_reported) === 0 ? w.notReported : formatNumber(num(r.score) ?? 0, lang), `${num(r.indicators_met) ?? 0}/${num(r.indicators_applicable) ?? 0}`]), { fontSize: 8.5 });
  }
}

const valueText = (value: number, measure: Plain, lang: Lang) =>
  measure === 'boolean' ? (value >= 1 ? (lang === 'vi' ? 'Có' : 'Yes') : (lang === 'vi' ? 'Không' : 'No')) : formatNumber(value, lang);

/** The scorecard: a unit per row, an indicator per column (short name and target in its header), a cell's value with "đạt" or "chưa đạt" under it. */
function scorecardPart(doc: Pdf, rows: Row[], input: LeaderPdfInput): void {
  const { lang } = input;
  const w = W[lang];
  const indicators = [...new Map(rows.map((r) => [String(r.indicator_code), r])).values()];
  const units = [...new Map(rows.map((r) => [String(r.unit), r])).values()];
  const byKey = new Map(rows.map((r) => [`${r.unit}|${r.indicator_code}`, r]));
  const short = (r: Row) => String((lang === 'vi' ? r.indicator_short_vi : r.indicator_short_en) ?? r.indicator_name);
  doc.addPage();
  heading(doc, `${w.scorecard}${input.period ? ` — ${periodLabel(input.period, lang)}` : ''}`);
  const columns: PdfColumn[] = [
    { header: w.unit, weight: 2.6 },
    ...indicators.map((i) => ({ header: `${short(i)}\n${valueMarks(i, lang).target}`, weight: 1, align: 'center' as const })),
    { header: w.met, weight: 0.9, align: 'center' },
  ];
  const body = units.map((u) => {
    let met = 0;
    let applicable = 0;
    const cells = indicators.map((i) => {
      const r = byKey.get(`${u.unit}|${i.indicator_code}`);
      if (!r) return '';
      applicable++;
      const value = num(r.value);
      if (value === null) return `–\n${w.notReported}`;
      if (r.met === true) met++;
      return `${valueText(value, r.measure, lang)}\n${r.met === true ? w.yes : w.no}`;
    });
    return [String(u.unit_name), ...cells, `${met}/${applicable}`];
  });
  drawTable(doc, columns, body, { fontSize: 7 });
  heading(doc, w.key);
  drawTable(doc, [{ header: w.shortName, weight: 1.4 }, { header: w.fullName, weight: 5 }, { header: w.target, weight: 1.2 }],
    indicators.map((i) => [short(i), input.indicatorNames.get(String(i.indicator_code)) ?? String(i.indicator_name), valueMarks(i, lang).target]), { fontSize: 8 });
}

function timelinessPart(doc: Pdf, rows: Row[], lang: Lang): void {
  const w = W[lang];
  heading(doc, w.timeliness);
  drawTable(doc, [{ header: w.unit, weight: 4 }, { header: w.status, weight: 2.5 }, { header: w.days, weight: 1.2, align: 'right' }, { header: w.deadline, weight: 1.2 }],
    rows.map((r) => [String(r.unit_name), String(r.status ?? ''), num(r.days_late) === null ? '–' : formatNumber(num(r.days_late)!, lang), r.deadline ? formatDate(String(r.deadline)) : '–']), { fontSize: 8.5 });
}

export async function renderLeaderPdf(input: LeaderPdfInput): Promise<Uint8Array> {
  const { lang } = input;
  const w = W[lang];
  const doc = createPdf({ title: input.title, created: input.created });
  const date = vietnameseDocumentDate(input.issued);
  drawMottoHeader(doc, { issuer: input.issuer, placeAndDate: lang === 'vi' ? date.charAt(0).toUpperCase() + date.slice(1) : `${w.issued}: ${formatDate(input.issued)}` });
  doc.font('bold').fontSize(15).text(input.title, doc.page.margins.left, doc.y, { align: 'center' });
  doc.font('regular').fontSize(10);
  const meta = [input.period ? `${w.period}: ${periodLabel(input.period, lang)}` : '', `${w.issued}: ${formatDate(input.issued)}`].filter(Boolean).join(' · ');
  doc.text(meta, { align: 'center' });
  if (input.published?.whole) doc.font('bold').fontSize(11).text(input.published.note, { align: 'center' }).font('regular').fontSize(10);
  doc.fontSize(9).fillColor('#444').text(input.sharedLine, { align: 'center' }).fillColor('#000').fontSize(10).moveDown(0.6);
  if (input.summary) summaryPart(doc, input.summary, lang);
  rankingPart(doc, input.results, lang, input.published && !input.published.whole ? input.published.note : null);
  const scorecard = input.results.get('district_scorecard');
  if (scorecard?.length) scorecardPart(doc, scorecard, input);
  const timeliness = input.results.get('reporting_timeliness');
  if (timeliness?.length && !scorecard?.length) timelinessPart(doc, timeliness, lang);
  return pdfBytes(doc);
}
