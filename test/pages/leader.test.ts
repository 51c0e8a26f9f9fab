import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatNumber } from '../../functions/http/pages/renderPages.ts';
import { demoApp } from '../helpers/appServer.ts';
import { launchChromium } from '../helpers/browser.ts';
import { fileURLToPath } from 'node:url';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

let t: Awaited<ReturnType<typeof demoApp>>;
let browser: Browser;
const SCREEN = { width: 360, height: 740 };

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  t = await demoApp(inject('demoLake'), { listen: true });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

type Row = Record<string, string | number | boolean | null>;
const api = async (query: string, params: Record<string, string>) =>
  (await (await fetch(`${t.base}/api/queries/${query}?${new URLSearchParams(params)}`, { headers: t.auth(t.analyst) })).json()) as Row[];
const linkFor = async (query: string, params: Record<string, string>) => {
  const res = await t.app.request('/api/links', { method: 'POST', headers: { ...t.auth(t.analyst), 'Content-Type': 'application/json' }, body: JSON.stringify({ query, params, expires_in: 7 * 86400 }) });
  return `${t.base}${new URL(((await res.json()) as { url: string }).url).pathname}`;
};
const phone = () => browser.newPage({ viewport: SCREEN, isMobile: true });

/** The summary's tiles, by name, with where they end on the page. */
type Tile = { value: string; detail: string; bottom: number };
const tilesOf = (page: Page): Promise<Record<string, Tile>> => page.locator('[data-tile]').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-tile'), {
  value: e.querySelector('.tile-value')!.textContent, detail: e.querySelector('.tile-detail')!.textContent, bottom: e.getBoundingClientRect().bottom + window.scrollY,
}])));

/** What a leader must never read: an ISO date, a unit code, a status code. */
async function expectPlainWords(page: Page, codes: string[]) {
  const text = await page.evaluate(() => document.body.textContent!);
  expect(text).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
  expect(text).not.toMatch(/\b\d{4}-Q\d\b/);
  for (const code of codes) expect(text, code).not.toContain(code);
  for (const status of ['on_time', 'not_due', 'missing', 'huyen-2022', 'commune', 'department']) expect(text).not.toMatch(new RegExp(`\\b${status}\\b`));
}

/** No element reaches past the screen's right edge (nothing scrolls sideways), folds opened. */
async function expectFits(page: Page) {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  const wide = await page.evaluate((w) => [...document.querySelectorAll('body *')].filter((e) => {
    const r = e.getBoundingClientRect();
    // A box past the edge, or text spilling out of its box (a long word, a label drawn by CSS).
    return (r.width > 0 && r.right > w + 0.5) || (r.width > 0 && e.scrollWidth > e.clientWidth + 1 && r.left + e.scrollWidth > w + 0.5 && getComputedStyle(e).overflowX === 'visible');
  }).map((e) => `${e.tagName}.${e.className}: ${e.textContent!.slice(0, 40)}`), SCREEN.width);
  expect(wide).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(SCREEN.width);
}

describe('a leader\'s link answers on the first phone screen', () => {
  it('the 2024-Q4 scorecard: targets met, the change, who is late, the DTI median, behind and improved; at most six screens tall', async () => {
    const scorecard = await api('district_scorecard', { period: '2024-Q4' });
    const trend = await api('district_trend', { from: '2023-Q1', to: '2024-Q4' });
    const timeliness = await api('reporting_timeliness', { period: '2024-Q4' });
    const dti = await api('dti_ranking', { period: '2024-Q4' });
    const ranking = await api('unit_ranking', { period: '2024-Q4' });
    const url = await linkFor('district_scorecard', { period: '2024-Q4' });
    const page = await phone();
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    const tiles = await tilesOf(page);
    expect(Object.keys(tiles)).toEqual(['met', 'change', 'late', 'dti']);
    for (const tile of Object.values(tiles)) expect(tile.bottom).toBeLessThanOrEqual(SCREEN.height);
    expect(tiles.met!.value).toBe(`${scorecard.filter((r) => r.met === true).length}/${scorecard.length}`);
    const [before, now] = trend.slice(-2).map((r) => r.share_met as number);
    const delta = Math.round((now! - before!) * 10) / 10;
    expect(tiles.change!.value).toBe(`${delta > 0 ? '▲' : '▼'} ${formatNumber(Math.abs(delta), 'vi')}`);
    expect(tiles.change!.detail).toContain(`${formatNumber(before!, 'vi')}% → ${formatNumber(now!, 'vi')}%`);
    const late = timeliness.filter((r) => r.status_code === 'missing' || r.status_code === 'late').length;
    expect(tiles.late!.value).toBe(`${late}/${timeliness.length}`);
    // The median of the units with points: one that reported nothing has none (never a 0).
    const points = dti.filter((r) => r.total_points !== null).map((r) => r.total_points as number).sort((a, b) => a - b);
    expect(points.length).toBeLessThan(dti.length);
    const median = points.length % 2 ? points[(points.length - 1) / 2]! : (points[points.length / 2 - 1]! + points[points.length / 2]!) / 2;
    expect(tiles.dti!.value).toBe(formatNumber(median, 'vi'));
    // The three furthest behind: the unit that sent nothing first, then the lowest shares met.
    const behind = await page.locator('[data-summary="behind"] li .who').allTextContents();
    const silent = ranking.filter((r) => r.indicators_reported === 0).map((r) => r.unit_name);
    expect(behind).toHaveLength(3);
    expect(behind.slice(0, silent.length)).toEqual(silent);
    expect(await page.locator('[data-summary="improved"] li').count()).toBe(3);
    expect(await page.locator('[data-summary="behind"]').evaluate((e) => e.getBoundingClientRect().bottom)).toBeLessThanOrEqual(SCREEN.height);
    // Sections in the order a leader asks, with jump links.
    expect(await page.locator('nav.jump a').allTextContents()).toEqual(['Ai chậm báo cáo', 'Xu hướng', 'Xếp hạng', 'Chi tiết']);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    console.log(`2024-Q4 scorecard link at 360 px: ${height} px, ${(height / SCREEN.height).toFixed(1)} screens (folded)`);
    expect(height).toBeLessThanOrEqual(6 * SCREEN.height);
    await page.screenshot({ path: `${SCREENSHOTS}leader-scorecard-360-first-screen.png` });
    await page.screenshot({ path: `${SCREENSHOTS}leader-scorecard-360.png`, fullPage: true });
    // Every coloured value says ✓/✗ (or "chưa báo cáo") and its target in words, on a phone and a screen.
    const marks = await page.evaluate(() => [...document.querySelectorAll('table.heat td.ok, table.heat td.near, table.heat td.low, table.heat td.none, .unit-card dl div')]
      .map((e) => e.textContent!).filter((text) => !/(✓|✗|chưa báo cáo)/.test(text) || !/(chỉ tiêu ≥ \d|cần (Có|Không))/.test(text)));
    expect(marks).toEqual([]);
    expect(await page.locator('.legend').first().textContent()).toContain('không áp dụng');
    const codes = [...new Set(scorecard.map((r) => String(r.unit))), ...new Set(scorecard.map((r) => String(r.indicator_code)))];
    await expectPlainWords(page, codes);
    await expectFits(page);
    // A name in the summary leads to that unit's own page within the link.
    await page.goto(url);
    const name = await page.locator('[data-summary="behind"] li a').first().textContent();
    await page.locator('[data-summary="behind"] li a').first().click();
    await page.waitForURL(/\/don-vi\//);
    expect(await page.locator('h1').textContent()).toBe(name);
    await expectFits(page);
    await page.goBack();
    await page.goto(`${url}?lang=en`);
    await page.waitForLoadState('networkidle');
    const english = await page.evaluate(() => document.body.textContent!);
    for (const word of ['Quý ', 'Chưa báo cáo', 'chỉ tiêu', 'Kỳ báo cáo', 'Tải về', 'Xem tất cả', 'hiệu lực']) expect(english, word).not.toContain(word);
    await expectPlainWords(page, codes);
    await expectFits(page);
    await page.close();
  });

  it('the DTI ranking: the median and range, the change, who is late, the lowest and most improved', async () => {
    const dti = await api('dti_ranking', { period: '2026-Q3' });
    const timeliness = await api('reporting_timeliness', { period: '2026-Q3' });
    const page = await phone();
    const dtiLink = await linkFor('dti_ranking', { period: '2026-Q3' });
    await page.goto(dtiLink);
    // The link's downloads complete its parameters as its page does (the ranking group left blank).
    const csv = await fetch(`${dtiLink}/s/0/data.csv`);
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain(String(dti[0]!.unit_name));
    expect((await fetch(`${dtiLink}/s/0/data.xlsx`)).status).toBe(200);
    // The period under the title; no blank parameter ("Nhóm xếp hạng (trống: mọi nhóm): ").
    const meta = await page.locator('main').innerText();
    expect(meta).toContain('Kỳ báo cáo: Quý III/2026');
    expect(meta).not.toContain('Nhóm xếp hạng');
    const tiles = await tilesOf(page);
    for (const tile of Object.values(tiles)) expect(tile.bottom).toBeLessThanOrEqual(SCREEN.height);
    const points = dti.filter((r) => r.total_points !== null).map((r) => r.total_points as number).sort((a, b) => a - b);
    const median = points.length % 2 ? points[(points.length - 1) / 2]! : (points[points.length / 2 - 1]! + points[points.length / 2]!) / 2;
    expect(tiles.dti!.value).toBe(formatNumber(median, 'vi'));
    expect(tiles.dti!.detail).toContain(`thấp nhất ${formatNumber(points[0]!, 'vi')} · cao nhất ${formatNumber(points.at(-1)!, 'vi')}`);
    const late = timeliness.filter((r) => r.status_code === 'missing' || r.status_code === 'late').length;
    expect(tiles.late!.value).toBe(`${late}/${timeliness.length}`);
    // Furthest behind: a unit with no figure first, said as "chưa báo cáo", never as 0 points.
    const lowest = [...dti].sort((a, b) => ((a.total_points as number | null) ?? -1) - ((b.total_points as number | null) ?? -1)).slice(0, 3);
    expect(await page.locator('[data-summary="behind"] li .who').allTextContents()).toEqual(lowest.map((r) => r.unit_name));
    const silent = dti.filter((r) => r.total_points === null);
    expect(silent.length).toBeGreaterThan(0);
    expect(silent.every((r) => r.rank === null)).toBe(true);
    expect(await page.locator('[data-summary="behind"] li').first().innerText()).toContain('chưa báo cáo');
    // Values on the bars of the ranking, whole names.
    const first = await page.locator('ol.ranking li').first().textContent();
    expect(first).toContain(String(dti[0]!.unit_name));
    expect(first).toContain(formatNumber(dti[0]!.total_points as number, 'vi'));
    await expectPlainWords(page, dti.map((r) => String(r.unit)));
    await expectFits(page);
    await page.goto(`${page.url()}?lang=en`);
    await expectFits(page);
    await page.close();
  });

  it('timeliness: on time, the change, who is late; the longest overdue first', async () => {
    const timeliness = await api('reporting_timeliness', { period: '2026-Q3' });
    const page = await phone();
    await page.goto(await linkFor('reporting_timeliness', { period: '2026-Q3' }));
    const tiles = await tilesOf(page);
    for (const tile of Object.values(tiles)) expect(tile.bottom).toBeLessThanOrEqual(SCREEN.height);
    expect(tiles.on_time!.value).toBe(`${timeliness.filter((r) => r.status_code === 'on_time').length}/${timeliness.length}`);
    const late = timeliness.filter((r) => r.status_code === 'missing' || r.status_code === 'late');
    expect(tiles.late!.value).toBe(`${late.length}/${timeliness.length}`);
    expect(await page.locator('[data-summary="behind"] li .who').allTextContents()).toEqual(late.slice(0, 3).map((r) => r.unit_name));
    await expectPlainWords(page, timeliness.map((r) => String(r.unit)));
    await expectFits(page);
    await page.close();
  });
});

describe('on paper and in the README', () => {
  it('prints the 2024-Q4 heat table inside an A4 landscape page\'s width (1.047 px between 10 mm margins)', async () => {
    const url = await linkFor('district_scorecard', { period: '2024-Q4' });
    const page = await browser.newPage({ viewport: { width: 1047, height: 740 } });
    await page.emulateMedia({ media: 'print' });
    await page.goto(url);
    const sizes = await page.evaluate(() => {
      const table = document.querySelector('table.heat')!;
      return { table: table.getBoundingClientRect().right, scroll: table.parentElement!.scrollWidth, headers: Math.max(...[...table.querySelectorAll('th')].map((h) => h.getBoundingClientRect().right)), columns: table.querySelectorAll('th.ind').length };
    });
    expect(sizes.columns).toBe(15);
    expect(sizes.table).toBeLessThanOrEqual(1047);
    expect(sizes.headers).toBeLessThanOrEqual(1047);
    expect(sizes.scroll).toBeLessThanOrEqual(1047);
    const pdf = await page.pdf({ preferCSSPageSize: true });
    const printed = join(tmpdir(), `chiso-leader-print-${process.pid}.pdf`);
    await writeFile(printed, pdf);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [printed], { encoding: 'utf8' }))![1]);
    await rm(printed, { force: true });
    console.log(`2024-Q4 scorecard link printed (A4 landscape): table ${Math.round(sizes.table)} px of 1047, ${pages} pages`);
    await page.close();
  });

  // CHISO_SCREENSHOTS=1 keeps the first phone screen of the demo's 2024-Q4 link in the repository (README, "What a leader sees").
  it.runIf(process.env.CHISO_SCREENSHOTS === '1')('saves docs/screenshots/leader-360.png', async () => {
    const page = await phone();
    await page.goto(await linkFor('district_scorecard', { period: '2024-Q4' }));
    await page.waitForLoadState('networkidle');
    const file = fileURLToPath(new URL('../../docs/screenshots/leader-360.png', import.meta.url));
    await mkdir(fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)), { recursive: true });
    await page.screenshot({ path: file });
    await page.close();
  });
});

describe('on the wire', () => {
  it('compresses pages, charts and CSV for a client that accepts gzip, and nothing for one that does not', async () => {
    const path = new URL(await linkFor('district_scorecard', { period: '2024-Q4' })).pathname;
    const plain = await t.app.request(path);
    const html = await plain.text();
    expect(plain.headers.get('content-encoding')).toBeNull();
    const zipped = await t.app.request(path, { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toContain('Accept-Encoding');
    const bytes = Buffer.from(await zipped.arrayBuffer());
    expect(gunzipSync(bytes).toString()).toBe(html);
    expect(bytes.length).toBeLessThan(html.length / 4);
    for (const file of ['s/0/data.csv', 's/1/chart.svg']) {
      const r = await t.app.request(`${path}/${file}`, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(r.headers.get('content-encoding'), file).toBe('gzip');
    }
  });

  it('answers a browser with a page and an API client with JSON: 404, and the icon from the package', async () => {
    const page = await t.app.request('/no/such/page', { headers: { Accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Không tìm thấy trang');
    const json = await t.app.request('/no/such/page', { headers: { Accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const apiMiss = await t.app.request('/api/nothing', { headers: { Accept: 'text/html', ...t.auth(t.analyst) } });
    expect(apiMiss.headers.get('content-type')).toMatch(/json/);
    const icon = await t.app.request('/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/x-icon');
    expect((await t.app.request('/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml');
  });
});

describe('pages kept per lake version', () => {
  it('a reopened link is the same page; a new report shows at once; a revoked link is refused though its page was kept', async () => {
    const { csvBytes } = await import('../helpers/workbook.ts');
    const made = await t.app.request('/api/links', { method: 'POST', headers: { ...t.auth(t.analyst), 'Content-Type': 'application/json' }, body: JSON.stringify({ query: 'district_scorecard', params: { period: '2024-Q4' }, expires_in: 86400 }) });
    const { id, url } = (await made.json()) as { id: string; url: string };
    const path = new URL(url).pathname;
    const gzip = { headers: { 'Accept-Encoding': 'gzip' } };
    const cell = (html: string) => /<tr data-unit="xa-lien-chau">[^]*?<td class="num [^"]*" data-indicator="DOC_ONLINE"[^>]*>([^<]*)/.exec(html)?.[1];
    const first = gunzipSync(Buffer.from(await (await t.app.request(path, gzip)).arrayBuffer())).toString();
    const again = gunzipSync(Buffer.from(await (await t.app.request(path, gzip)).arrayBuffer())).toString();
    expect(again).toBe(first);
    expect(await (await t.app.request(path)).text()).toBe(first);
    expect(cell(first)).not.toBe('10');
    // Liên Châu corrects its 2024-Q4 report: the next request is a new lake version, a new page.
    const put = await t.app.request('/api/submissions?filename=lien-chau-q4.csv', { method: 'PUT', headers: { ...t.auth(t.clerk), 'Content-Type': 'application/octet-stream' },
      body: csvBytes('Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,1,10\n') });
    expect(put.status, await put.clone().text()).toBeLessThan(300);
    expect(cell(await (await t.app.request(path)).text())).toBe('10');
    expect((await t.app.request(`/api/links/${id}`, { method: 'DELETE', headers: t.auth(t.analyst) })).status).toBe(200);
    expect((await t.app.request(path, gzip)).status).toBe(410);
  });
});
