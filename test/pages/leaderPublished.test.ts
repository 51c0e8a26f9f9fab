import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { importRegistry } from '../../functions/services/registry.ts';
import { listen } from '../helpers/appServer.ts';
import { seriousViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/browser.ts';
import { readPdf } from '../helpers/pdfText.ts';
import { PROVINCE_FILES, provinceReport } from '../helpers/provinceRegistry.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * A leader's link to a published period (issue 25, item 4): the province publishes 2026-Q3 by a
 * decision, Xã Tề Lỗ corrects its report afterwards; the link keeps showing the published
 * figures under the decision's note, the corrected one marked "có số liệu mới hơn" and no other;
 * the unit's own page and the PDF likewise; the analyst's /cong-bo shows both figures; publishing
 * again (version 2) moves the link to the new figures, unmarked.
 */
let work: string;
let services: QueryServices;
let server: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let analyst: string;
let clock = new Date('2026-10-15T03:00:00Z');
const SCREEN = { width: 360, height: 740 };
const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const NOTE_V1 = 'Đã công bố theo Quyết định số 123/QĐ-UBND ngày 20/10/2026';
const NOTE_V2 = 'Đã công bố theo Quyết định số 130/QĐ-UBND ngày 03/11/2026';
const LATER = 'có số liệu mới hơn';

const bearer = () => ({ Authorization: `Bearer ${analyst}` });
const publish = async (decision_number: string, decision_date: string) => {
  const res = await services.app.request('/api/publications', { method: 'POST', headers: { ...bearer(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ period: '2026-Q3', decision_number, decision_date, issuing_body: 'Ủy ban nhân dân tỉnh Phú Thọ' }) });
  expect(res.status, await res.clone().text()).toBe(201);
};
const report = async (rows: Parameters<typeof provinceReport>[1], fileName: string) => {
  const result = await services.ingest({ bytes: csvBytes(provinceReport('Quý III/2026', rows)), fileName });
  expect(result.errors).toEqual([]);
  services.runner.lakeChanged();
};

let link: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'chiso-leader-published-'));
  const dataDir = join(work, 'data');
  expect((await importRegistry(new FsObjectStore(dataDir), PROVINCE_FILES, clock)).status).toBe('imported');
  services = await composeQuery({ kind: 'local', dataDir, port: 0, utcOffsetHours: 7 }, { now: () => clock });
  analyst = await services.tokens.issue({ name: 'Chị Lan', role: 'analyst', unit: null });
  await report([
    ['so-noi-vu', 50, true], ['so-tai-chinh', 100, true], ['thanh-tra-tinh', 100, true], ['cong-an-tinh', 100, true],
    ['phuong-viet-tri', 80, true], ['xa-yen-lac', 60, false], ['xa-te-lo', 70, true],
  ], 'tong-hop-quy-III-2026.csv');
  server = await listen(services.app);
  const made = await services.app.request('/api/links', { method: 'POST', headers: { ...bearer(), 'Content-Type': 'application/json' }, body: JSON.stringify({ query: 'dti_ranking', params: { period: '2026-Q3' }, expires_in: 60 * 86400 }) });
  expect(made.status).toBe(201);
  link = `${server.base}${new URL(((await made.json()) as { url: string }).url).pathname}`;
  browser = await launchChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await services?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const phone = () => browser.newPage({ viewport: SCREEN, isMobile: true });

/** Nothing scrolls sideways at 360 px, every fold opened. */
async function expectFits(page: Page) {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  const wide = await page.evaluate((w) => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > w + 0.5)
    .map((e) => `${e.tagName}.${e.className}: ${e.textContent!.slice(0, 40)}`), SCREEN.width);
  expect(wide).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(SCREEN.width);
}

/** The ranking's full table (under "xem tất cả"): each unit's total and its mark cell, if any. */
const rankingTable = (page: Page) => page.locator('table.cards[data-query="dti_ranking"] tbody tr').evaluateAll((trs) => trs.map((tr) => ({
  name: tr.querySelector('[data-col="unit_name"]')?.textContent ?? '',
  rank: tr.querySelector('[data-col="rank"]')?.textContent ?? '',
  total: tr.querySelector('[data-col="total_points"]')?.textContent ?? '',
  later: tr.querySelector('[data-col="later_figure"]')?.textContent ?? null,
})));

describe('a leader\'s link to a published period', () => {
  it('before any publication shows today\'s figures, with no note', async () => {
    const body = await (await services.app.request(new URL(link).pathname)).text();
    expect(body).not.toContain('data-published-note');
    expect(body).not.toContain(LATER);
  });

  it('after the decision and a correction: the note on the first screen, the published 820 for Xã Tề Lỗ marked, no other unit marked; the unit page and the PDF likewise', async () => {
    clock = new Date('2026-10-20T03:00:00Z');
    await publish('123/QĐ-UBND', '2026-10-20');
    // Xã Tề Lỗ corrects its share after the decision: its points would be 940 today.
    clock = new Date('2026-10-25T03:00:00Z');
    await report([['xa-te-lo', 90, true]], 'te-lo-bo-sung.csv');
    const today = (await (await services.app.request('/api/queries/dti_ranking?period=2026-Q3', { headers: bearer() })).json()) as { unit: string; total_points: number }[];
    expect(today.find((r) => r.unit === 'xa-te-lo')!.total_points).toBe(940);

    const page = await phone();
    await page.goto(link);
    const note = page.locator('[data-published-note]');
    expect(await note.textContent()).toBe(NOTE_V1);
    expect(await note.evaluate((e) => e.getBoundingClientRect().bottom)).toBeLessThanOrEqual(SCREEN.height);
    // The summary's lowest three: Tề Lỗ's published 820, marked; the others not.
    const behind = await page.locator('[data-summary="behind"] li').allTextContents();
    const teLo = behind.find((t) => t.includes('Xã Tề Lỗ'))!;
    expect(teLo).toContain(`820 ${LATER}`);
    expect(behind.filter((t) => t.includes(LATER))).toEqual([teLo]);
    const rows = await rankingTable(page);
    expect(rows.find((r) => r.name === 'Xã Tề Lỗ')).toEqual({ name: 'Xã Tề Lỗ', rank: '2', total: '820', later: LATER });
    expect(rows.filter((r) => r.later === LATER).map((r) => r.name)).toEqual(['Xã Tề Lỗ']);
    expect(rows).toHaveLength(7);
    const text = await page.evaluate(() => document.body.textContent!);
    expect(text).not.toContain('940');
    await expectFits(page);
    await page.goto(link);
    await page.screenshot({ path: `${SCREENSHOTS}leader-published-360.png` });
    expect(await seriousViolations(page)).toEqual([]);
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    await page.screenshot({ path: `${SCREENSHOTS}leader-published-360-full.png`, fullPage: true });

    // The unit's own page within the link: the note, the published total marked, the pillar that moved marked.
    await page.goto(`${link}/don-vi/xa-te-lo`);
    expect(await page.locator('[data-published-note]').textContent()).toBe(NOTE_V1);
    const total = await page.locator('[data-dti-total]').textContent();
    expect(total).toContain('Tổng điểm: 820 / 1.000');
    expect(total).toContain(LATER);
    // The component's value as the decision scored it (70 %, corrected to 90 % since), marked; the other not.
    const indicators = await page.locator('ol.unit-indicators li').evaluateAll((els) => els.map((e) => [e.getAttribute('data-indicator'), e.querySelector('.val')!.textContent, e.querySelector('[data-later-figure]')?.textContent ?? null]));
    expect(indicators).toEqual([['DOC', '70✗', LATER], ['SIG', 'Có✓', null]]);
    const pillars = await page.locator('[data-part="dti"] ul.pillars li').allTextContents();
    expect(pillars.filter((p) => p.includes(LATER)).map((p) => p.split(/\d/)[0])).toEqual(['Chính quyền số']);
    expect(await page.evaluate(() => document.body.textContent!)).not.toContain('940');
    await expectFits(page);
    await page.screenshot({ path: `${SCREENSHOTS}leader-published-unit-360.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${link}/don-vi/xa-yen-lac`);
    expect(await page.locator('[data-published-note]').textContent()).toBe(NOTE_V1);
    expect(await page.locator('[data-later-figure]').count()).toBe(0);
    await page.close();

    // The PDF: headed by the decision's issuing body, the note, the published figure and its mark.
    const pdfRes = await services.app.request(`${new URL(link).pathname}/pdf`);
    expect(pdfRes.status).toBe(200);
    const pdf = readPdf(new Uint8Array(await pdfRes.arrayBuffer()), `${SCREENSHOTS}leader-published.pdf`);
    const flat = pdf.text.replace(/[ \t]+/g, ' ');
    expect(flat).toContain('ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ');
    expect(flat).toContain(NOTE_V1);
    expect(flat).toMatch(/Xã Tề Lỗ 820\b/);
    expect(flat).toContain(LATER);
    expect(flat).not.toContain('940');

    // English: the note and the mark in English alone.
    const english = await (await services.app.request(`${new URL(link).pathname}?lang=en`)).text();
    expect(english).toContain('Published by Decision No. 123/QĐ-UBND of 20/10/2026');
    expect(english).toContain('a later figure exists');
    expect(english).not.toContain(LATER);
    // A scorecard link holds the DTI ranking as one section: the note heads that section, not the page (its values are today's).
    const scorecardLink = await services.app.request('/api/links', { method: 'POST', headers: { ...bearer(), 'Content-Type': 'application/json' }, body: JSON.stringify({ query: 'district_scorecard', params: { period: '2026-Q3' }, expires_in: 86400 }) });
    const scorecardPath = new URL(((await scorecardLink.json()) as { url: string }).url).pathname;
    const scorecard = await (await services.app.request(scorecardPath)).text();
    const notes = [...scorecard.matchAll(/data-published-note/g)].map((m) => m.index!);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toBeGreaterThan(scorecard.indexOf('data-section="dti_ranking"'));
    expect(scorecard.slice(scorecard.indexOf('data-section="dti_ranking"')).split('</section>')[0]).toContain(LATER);
    const scorecardPdf = readPdf(new Uint8Array(await (await services.app.request(`${scorecardPath}/pdf`)).arrayBuffer()), join(work, 'scorecard-published.pdf')).text.replace(/[ \t]+/g, ' ');
    expect(scorecardPdf).toContain('CHỊ LAN'); // today's values: headed by who shared it
    expect(scorecardPdf.indexOf(NOTE_V1)).toBeGreaterThan(scorecardPdf.indexOf('Theo điểm chuyển đổi số (DTI)'));
    expect(scorecardPdf).toContain(LATER);
    // The section's download for the leader is the published answer too.
    const csv = await (await services.app.request(`${new URL(link).pathname}/s/0/data.csv`)).text();
    expect(csv).toContain(LATER);
    expect(csv).not.toContain('940');
  });

  it('the analyst\'s /cong-bo shows the published and the current figure per unit, the corrected unit highlighted', async () => {
    const context = await browser.newContext({ viewport: SCREEN, isMobile: true, extraHTTPHeaders: bearer() });
    const page = await context.newPage();
    await page.goto(`${server.base}/cong-bo?period=2026-Q3`);
    const rows = await page.locator('table[data-compare] tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      unit: tr.getAttribute('data-unit'), changed: tr.getAttribute('data-changed'),
      published: tr.querySelector('[data-published]')!.textContent, current: tr.querySelector('[data-current]')!.textContent, text: tr.textContent!,
    })));
    expect(rows).toHaveLength(7);
    const teLo = rows.find((r) => r.unit === 'xa-te-lo')!;
    expect(teLo).toMatchObject({ changed: 'yes', published: '820,00', current: '940,00' }); // two decimals, as the decision writes points
    expect(teLo.text).toContain('Đã thay đổi');
    expect(teLo.text).toContain('Văn bản điện tử: 420,00 → 540,00');
    expect(rows.filter((r) => r.changed === 'yes').map((r) => r.unit)).toEqual(['xa-te-lo']);
    expect(rows.find((r) => r.unit === 'xa-yen-lac')).toMatchObject({ changed: 'no', published: '360,00', current: '360,00' });
    expect(await page.locator('[data-changed-count]').getAttribute('data-changed-count')).toBe('1');
    await expectFits(page);
    await page.screenshot({ path: `${SCREENSHOTS}cong-bo-compare-360.png`, fullPage: true });
    await context.close();
  });

  it('publishing again (version 2) moves the link to the new figures, without the mark', async () => {
    clock = new Date('2026-11-03T03:00:00Z');
    await publish('130/QĐ-UBND', '2026-11-03');
    const page = await phone();
    await page.goto(link);
    expect(await page.locator('[data-published-note]').textContent()).toBe(NOTE_V2);
    expect(await page.locator('[data-later-figure]').count()).toBe(0);
    const rows = await rankingTable(page);
    expect(rows.find((r) => r.name === 'Xã Tề Lỗ')!.total).toBe('940');
    expect(rows.every((r) => r.later === null)).toBe(true);
    expect(await page.evaluate(() => document.body.textContent!)).not.toContain(LATER);
    await page.goto(`${link}/don-vi/xa-te-lo`);
    expect(await page.locator('[data-published-note]').textContent()).toBe(NOTE_V2);
    expect(await page.locator('[data-dti-total]').textContent()).toContain('Tổng điểm: 940 / 1.000');
    expect(await page.locator('ol.unit-indicators li[data-indicator="DOC"] .val').textContent()).toBe('90✓');
    expect(await page.locator('[data-later-figure]').count()).toBe(0);
    await page.close();
  });
});
