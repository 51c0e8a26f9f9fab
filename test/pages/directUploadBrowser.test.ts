import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutProblems, seriousViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/browser.ts';
import { directUploadApp } from '../helpers/directUploadApp.ts';
import { largePdf, largeReportXlsx } from '../helpers/largeFiles.ts';
import { provinceReport } from '../helpers/provinceRegistry.ts';
import { screenshot } from '../helpers/screenshots.ts';

/**
 * The AWS upload forms in chromium, at 360 px: the app at localhost, the bucket (s3rver) at
 * 127.0.0.1, two sites as on AWS. A 5 MB workbook (past the Function URL's payload) and a 5 MB
 * scan go from the page straight to the bucket and back (the CSP's form-action lets the form and
 * S3's redirect through; the SameSite=Strict session reaches the app after the cross-site hop),
 * ending on the same answers as a form posted to the app.
 */
let browser: Browser;
let t: Awaited<ReturnType<typeof directUploadApp>>;
beforeAll(async () => { [browser, t] = await Promise.all([launchChromium(), directUploadApp({ host: 'localhost' })]); }, 120_000);
afterAll(async () => { await browser?.close(); await t?.close(); });

async function expectUsable(page: Page) {
  expect(await seriousViolations(page), page.url()).toEqual([]);
  expect(await layoutProblems(page, { checkTargets: true }), page.url()).toEqual([]);
}

describe('files past the payload cap, from the page straight to the bucket', () => {
  it('at 360 px: a workbook gets its receipt, a scan is attached to its component', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    const refused: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy|form-action/i.test(m.text())) refused.push(m.text()); });
    // Where the browser went after the bucket: S3's redirect, then (if the session was withheld) the app's own refresh.
    const back: string[] = [];
    page.on('request', (r) => { if (/\/tai-len\?/.test(r.url())) back.push(new URL(r.url()).searchParams.get('tiep') ?? 'from S3'); });
    try {
      await page.goto(`${t.base}/login?next=/nop`);
      await page.fill('input[name=token]', t.accounts.clerk);
      await page.click('button[type=submit]');
      await page.waitForURL(/\/nop$/);
      await expectUsable(page);
      const rows = provinceReport('Quý III/2026', [['xa-yen-lac', 64, true]]).trim().split('\n').map((line) => line.split(',').map((v) => (/^\d+$/.test(v) ? Number(v) : v || null)));
      await page.setInputFiles('form.direct-upload input[name=file]', { name: 'Báo cáo Quý III.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await largeReportXlsx(rows, 5 * 1024 * 1024) });
      await page.click('form.direct-upload button[type=submit]');
      await page.waitForURL(/\/nop\/nhan\/[A-Z0-9]{4}-[A-Z0-9]{4}$/, { timeout: 60_000 });
      expect(await page.locator('h1').innerText()).toContain('Đã nhận');
      expect(await page.locator('h1').innerText()).toContain('Báo cáo Quý III.xlsx');

      await page.goto(`${t.base}/nop/kiem-chung?period=2026-Q3`);
      expect(await page.locator('form.direct-upload').count()).toBe(4); // the self-assessment's, and one a component
      await expectUsable(page);
      await screenshot(page, 'evidence-direct-upload-360');
      await page.setInputFiles('#ev-DOC', { name: 'Quyết định 12 (bản quét).pdf', mimeType: 'application/pdf', buffer: await largePdf(5 * 1024 * 1024) });
      await page.click('article[data-component="DOC"] form.direct-upload button[type=submit]');
      await page.waitForURL(/kc=1/, { timeout: 60_000 });
      expect(await page.locator('p.confirm').innerText()).toBe('Đã lưu 1 tệp kiểm chứng.');
      expect(await page.locator('article[data-component="DOC"] ul.evidence').innerText()).toContain('Quyết định 12 (bản quét).pdf');
      expect(refused).toEqual([]);
      // Chromium sends the session on S3's redirect (its initiator is the app's page); a browser that
      // withholds it on a cross-site chain gets one refresh of the app's own page (test/aws/directUpload.test.ts).
      expect(back.filter((x) => x === 'from S3')).toHaveLength(2);
    } finally {
      await page.close();
    }
  }, 180_000);
});
