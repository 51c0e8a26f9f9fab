import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoApp } from '../helpers/appServer.ts';
import { layoutProblems, seriousViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/browser.ts';
import { SIZES, screenshot } from '../helpers/screenshots.ts';

/**
 * The analyst's path in chromium, at a phone's width and a desktop's: /q, a card, its form, the
 * outbox, provenance, sharing and revoking. Every page on the way has no serious accessibility
 * violation (axe-core), no small target on a phone, no small text and no sideways scroll.
 */
let t: Awaited<ReturnType<typeof demoApp>>;
let browser: Browser;

beforeAll(async () => {
  t = await demoApp(inject('demoLake'), { listen: true });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function signedIn(width: number, height: number, next: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`${t.base}/login?next=${encodeURIComponent(next)}`);
  await page.fill('input[name=token]', t.analyst);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.pathname === next.split('?')[0]);
  return page;
}


async function expectUsable(page: Page, width: number) {
  expect(await seriousViolations(page), page.url()).toEqual([]);
  expect(await layoutProblems(page, { checkTargets: width <= 640 }), page.url()).toEqual([]);
}

describe('an analyst finds her way from /q', () => {
  for (const [label, width, height] of SIZES) {
    it(`at ${label} px: cards grouped, the scorecard first; its page opens with a form and every header whole`, async () => {
      const page = await signedIn(width, height, '/q');
      const first = page.locator('li.qcard a').first();
      expect(await first.locator('.qtitle').textContent()).toBe('Bảng điểm chuyển đổi số các xã');
      expect(await first.locator('.qperiod').textContent()).toBe('Quý III/2026');
      expect(await page.locator('li.qcard[data-page="links"] a').getAttribute('href')).toBe('/q/links');
      await expectUsable(page, width);
      await screenshot(page, `analyst-queries-${label}`, { keep: width === 360 });
      // The card opens the scorecard of the latest period, with its form.
      await page.goto(`${t.base}/q/district_scorecard?period=2024-Q4`);
      expect(await page.locator('form.params select[name=period]').inputValue()).toBe('2024-Q4');
      await expectUsable(page, width);
      await screenshot(page, `analyst-scorecard-${label}`, { keep: width === 360, fullPage: false }); // the first screen: the whole page is megabytes
      if (width > 640) {
        await screenshot(page.locator('table.heat'), 'analyst-scorecard-heat-desktop');
        await screenshot(page.locator('section[data-section="dti_ranking"]'), 'analyst-dti-desktop');
        // No header cut: every indicator's short name fits its cell.
        const clipped = await page.locator('table.heat th.ind').evaluateAll((ths) => ths.filter((th) => th.scrollHeight > th.clientHeight + 1 || th.scrollWidth > th.clientWidth + 1).map((th) => th.textContent));
        expect(clipped).toEqual([]);
        // The wide tables' scrollers take keyboard focus.
        await page.locator('section[data-section="dti_ranking"] .scroll').focus();
        expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Xếp hạng chỉ số chuyển đổi số (DTI)');
      }
      // Where a value came from: the file, linked.
      const provenance = await page.locator('a[href^="/q/provenance"]').first().getAttribute('href');
      await page.goto(`${t.base}${provenance}`);
      expect(await page.locator('table.provenance a[href^="/q/tep/"]').count()).toBeGreaterThan(0);
      await expectUsable(page, width);
      await screenshot(page, `analyst-provenance-${label}`, { keep: width === 360 });
      // The reminders sent, and the same pages in English.
      for (const path of ['/q/outbox', '/q/outbox?lang=en', '/q?lang=en', '/q/district_scorecard?period=2024-Q4&lang=en']) {
        await page.goto(`${t.base}${path}`);
        await expectUsable(page, width);
      }
      await page.close();
    });
  }

  for (const [label, width, height] of SIZES) {
    it(`at ${label} px: every card opens a page that renders without a parameter typed, each usable`, async () => {
      const page = await signedIn(width, height, '/q');
      const cards = await page.locator('li.qcard a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
      // Every saved query an analyst may run, the DTI pages and her links and reminders.
      expect(cards.length).toBeGreaterThanOrEqual(30);
      for (const path of ['/tham-dinh', '/cong-bo', '/doi-chieu', '/q/links', '/q/outbox', '/q/pending_values']) expect(cards.map((c) => c.split('?')[0]), path).toContain(path);
      for (const href of cards) {
        const response = await page.goto(`${t.base}${href}`);
        expect(response?.status(), href).toBe(200);
        expect(await page.locator('h1').count(), href).toBeGreaterThan(0);
        // A page of megabytes (the scorecard) was audited above; the rest here.
        if (href.startsWith('/q/district_scorecard')) continue;
        await expectUsable(page, width);
      }
      await page.close();
    }, 600_000);
  }

  for (const [label, width, height] of SIZES) it(`at ${label} px: shares a page, a reload makes no second link, and a revoke asks first`, async () => {
    const page = await signedIn(width, height, '/q/unit_ranking');
    const note = `Phó chủ tịch ${label}`;
    await page.fill('section.share input[name=note]', note);
    await page.click('section.share button[type=submit]');
    await page.waitForURL(/\/q\/links\/[\w-]+$/);
    const url = await page.inputValue('input.link-url');
    expect(await page.locator('figure.qr svg[role=img]').getAttribute('aria-label')).toMatch(/^Mã QR/);
    await expectUsable(page, width);
    await screenshot(page, `analyst-link-${label}`, { keep: width === 360 });
    await page.reload();
    expect(await page.inputValue('input.link-url')).toBe(url);
    await page.goto(`${t.base}/q/links`);
    const rows = page.locator('tr', { hasText: note });
    expect(await rows.count()).toBe(1);
    await expectUsable(page, width);
    const summary = rows.locator('details.confirm-revoke summary');
    const box = (await summary.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    await summary.click();
    await expectUsable(page, width);
    await screenshot(page, `analyst-revoke-confirm-${label}`, { keep: width === 360 });
    expect((await fetch(url)).status).toBe(200); // opening the confirmation revoked nothing
    await rows.locator('details.confirm-revoke button').click();
    await page.waitForURL(/\/q\/links$/);
    expect(await page.locator('tr', { hasText: note }).locator('td.status').textContent()).toBe('Đã thu hồi');
    expect((await fetch(url)).status).toBe(410);
    await page.close();
  });
});
