import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pdfWords } from '../../functions/http/pdf/leaderPdf.ts';
import { formatNumber } from '../../functions/http/pages/renderPages.ts';
import { demoApp } from '../helpers/appServer.ts';
import { readPdf, scorecardMismatches } from '../helpers/pdfText.ts';

/** A leader's link as a PDF: A4 landscape, every indicator inside the page width, the page's numbers. */

let t: Awaited<ReturnType<typeof demoApp>>;
let dir: string;

beforeAll(async () => {
  t = await demoApp(inject('demoLake'));
  dir = await mkdtemp(join(tmpdir(), 'chiso-leader-pdf-'));
}, 60_000);
afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Row = Record<string, string | number | boolean | null>;
const api = async (query: string, params: Record<string, string>) =>
  (await (await t.app.request(`/api/queries/${query}?${new URLSearchParams(params)}`, { headers: t.auth(t.analyst) })).json()) as Row[];
const linkFor = async (query: string, params: Record<string, string>) => {
  const res = await t.app.request('/api/links', { method: 'POST', headers: { ...t.auth(t.analyst), 'Content-Type': 'application/json' }, body: JSON.stringify({ query, params, expires_in: 7 * 86400 }) });
  return new URL(((await res.json()) as { url: string }).url).pathname;
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a leader\'s link as a PDF', () => {
  it('the 2024-Q4 scorecard: A4 landscape, the summary, the rankings and every unit\'s 15 indicators with the page\'s values', async () => {
    const path = await linkFor('district_scorecard', { period: '2024-Q4' });
    const res = await t.app.request(`${path}/pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = readPdf(new Uint8Array(await res.arrayBuffer()), join(dir, 'scorecard.pdf'));
    expect(pdf.a4).toBe(true);
    expect(pdf.width).toBeGreaterThan(pdf.height);
    // Nothing past the right margin (40 pt) on any page.
    expect(pdf.right).toBeLessThanOrEqual(pdf.width - 39);
    const { text } = pdf;
    for (const words of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Quý IV/2024', 'Ngày phát hành: 15/06/2025', 'Bảng điểm chuyển đổi số toàn huyện']) expect(text).toContain(words);
    // The summary's tiles, as the page shows them.
    const page = await (await t.app.request(path)).text();
    const tiles = [...page.matchAll(/<p class="tile-value">([^<]*)<\/p>/g)].map((m) => m[1]!);
    expect(tiles.length).toBeGreaterThanOrEqual(4);
    for (const value of tiles) expect(text).toContain(pdfWords(value, 'vi'));
    // Every indicator, by its full name in the key and its short name in a column.
    const scorecard = await api('district_scorecard', { period: '2024-Q4' });
    const indicators = [...new Set(scorecard.map((r) => String(r.indicator_name)))];
    expect(indicators).toHaveLength(15);
    for (const name of indicators) expect(text, name).toContain(name);
    // Each unit's values in the indicators' order on one line, then its targets met: the API's numbers, with a decimal comma.
    expect(scorecardMismatches(text, scorecard, (n) => formatNumber(n, 'vi'))).toEqual({ units: [], indicators: [], indicatorCount: 15 });
    // The DTI ranking's points.
    for (const r of await api('dti_ranking', { period: '2024-Q4' })) {
      if (typeof r.total_points === 'number') expect(text).toMatch(new RegExp(`${escape(String(r.unit_name))}\\s+${escape(formatNumber(r.total_points, 'vi'))}\\s`));
    }
  });

  it('an analyst\'s page as the same PDF (/q/<name>/pdf), signed in only', async () => {
    expect((await t.app.request('/q/district_scorecard/pdf?period=2024-Q4')).status).toBe(303);
    const res = await t.app.request('/q/district_scorecard/pdf?period=2024-Q4', { headers: t.auth(t.analyst) });
    expect(res.status).toBe(200);
    const pdf = readPdf(new Uint8Array(await res.arrayBuffer()), join(dir, 'analyst.pdf'));
    expect(pdf.width).toBeGreaterThan(pdf.height);
    expect(pdf.text).toContain('Do Chị Lan (Phòng VH-TT) lập.');
    expect(scorecardMismatches(pdf.text, await api('district_scorecard', { period: '2024-Q4' }), (n) => formatNumber(n, 'vi'))).toEqual({ units: [], indicators: [], indicatorCount: 15 });
  });

  it('the timeliness link: who reported when, dates as dd/mm/yyyy; a tampered link gets no PDF', async () => {
    const path = await linkFor('reporting_timeliness', { period: '2026-Q3' });
    const pdf = readPdf(new Uint8Array(await (await t.app.request(`${path}/pdf`)).arrayBuffer()), join(dir, 'timeliness.pdf'));
    expect(pdf.width).toBeGreaterThan(pdf.height);
    for (const r of await api('reporting_timeliness', { period: '2026-Q3' })) expect(pdf.text).toMatch(new RegExp(`${escape(String(r.unit_name))}\\s+${escape(String(r.status))}`));
    expect(pdf.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const token = path.split('/')[2]!;
    expect((await t.app.request(`/l/${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}/pdf`)).status).toBe(403);
  });
});
