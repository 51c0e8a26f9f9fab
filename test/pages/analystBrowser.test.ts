import type { Browser, Page } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoApp } from '../helpers/appServer.ts';
import { launchChromium } from '../helpers/browser.ts';
import { fileURLToPath } from 'node:url';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

/** The analyst's path in chromium, at a phone's width and a desktop's: /q, a card, its form, sharing and revoking. */
let t: Awaited<ReturnType<typeof demoApp>>;
let browser: Browser;

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
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

const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('an analyst finds her way from /q', () => {
  for (const [label, width, height] of [['360', 360, 740], ['desktop', 1366, 768]] as const) {
    it(`at ${label} px: cards grouped, the scorecard first; its page opens with a form and every header whole`, async () => {
      const page = await signedIn(width, height, '/q');
      const first = page.locator('li.qcard a').first();
      expect(await first.locator('.qtitle').textContent()).toBe('Bảng điểm chuyển đổi số các xã');
      expect(await first.locator('.qperiod').textContent()).toBe('Quý III/2026');
      expect(await page.locator('li.qcard[data-page="links"] a').getAttribute('href')).toBe('/q/links');
      expect(await noSidewaysScroll(page)).toBe(true);
      await page.screenshot({ path: `${SCREENSHOTS}analyst-queries-${label}.png`, fullPage: true });
      // The card opens the scorecard of the latest period, with its form.
      await page.goto(`${t.base}/q/district_scorecard?period=2024-Q4`);
      expect(await page.locator('form.params select[name=period]').inputValue()).toBe('2024-Q4');
      expect(await noSidewaysScroll(page)).toBe(true);
      if (width > 640) {
        await page.screenshot({ path: `${SCREENSHOTS}analyst-scorecard-desktop.png` });
        await page.locator('table.heat').screenshot({ path: `${SCREENSHOTS}analyst-scorecard-heat-desktop.png` });
        await page.locator('section[data-section="dti_ranking"]').screenshot({ path: `${SCREENSHOTS}analyst-dti-desktop.png` });
        // No header cut: every indicator's short name fits its cell.
        const clipped = await page.locator('table.heat th.ind').evaluateAll((ths) => ths.filter((th) => th.scrollHeight > th.clientHeight + 1 || th.scrollWidth > th.clientWidth + 1).map((th) => th.textContent));
        expect(clipped).toEqual([]);
        // The wide tables' scrollers take keyboard focus.
        await page.locator('section[data-section="dti_ranking"] .scroll').focus();
        expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Xếp hạng chỉ số chuyển đổi số (DTI)');
      }
      await page.close();
    });
  }

  it('at 360 px: shares a page, a reload makes no second link, and a revoke asks first', async () => {
    const page = await signedIn(360, 740, '/q/unit_ranking');
    await page.fill('section.share input[name=note]', 'Phó chủ tịch');
    await page.click('section.share button[type=submit]');
    await page.waitForURL(/\/q\/links\/[\w-]+$/);
    const url = await page.inputValue('input.link-url');
    expect(await page.locator('figure.qr svg[role=img]').getAttribute('aria-label')).toMatch(/^Mã QR/);
    await page.reload();
    expect(await page.inputValue('input.link-url')).toBe(url);
    await page.goto(`${t.base}/q/links`);
    const rows = page.locator('tr', { hasText: 'Phó chủ tịch' });
    expect(await rows.count()).toBe(1);
    expect(await noSidewaysScroll(page)).toBe(true);
    const summary = rows.locator('details.confirm-revoke summary');
    const box = (await summary.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    await summary.click();
    await page.screenshot({ path: `${SCREENSHOTS}analyst-revoke-confirm-360.png`, fullPage: true });
    expect((await fetch(url)).status).toBe(200); // opening the confirmation revoked nothing
    await rows.locator('details.confirm-revoke button').click();
    await page.waitForURL(/\/q\/links$/);
    expect(await page.locator('tr', { hasText: 'Phó chủ tịch' }).locator('td.status').textContent()).toBe('Đã thu hồi');
    expect((await fetch(url)).status).toBe(410);
    await page.close();
  });
});
