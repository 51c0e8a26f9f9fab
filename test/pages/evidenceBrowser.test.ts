import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRows } from '../../functions/http/tableRows.ts';
import { listen } from '../helpers/appServer.ts';
import { layoutProblems, seriousViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/browser.ts';
import { evidenceProvince, SELF_ASSESSMENT } from '../helpers/evidenceProvince.ts';
import { realPdf, realPng } from '../helpers/evidenceFiles.ts';
import { SIZES, screenshot } from '../helpers/screenshots.ts';

/**
 * The path, on a phone and a desktop: a commune attaches two evidence files and sends its
 * self-assessment; an appraiser opens it, sees the evidence (and downloads it, as an attachment),
 * appraises three components (one above the maximum refused), completes; the commune then sees
 * the appraisal on /nop, in Vietnamese and in English; the ranking takes the appraised points.
 */
let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); }, 120_000);
afterAll(async () => { await browser?.close(); });

async function expectUsable(page: Page, width: number) {
  expect(await seriousViolations(page), page.url()).toEqual([]);
  expect(await layoutProblems(page, { checkTargets: width <= 640 }), page.url()).toEqual([]);
}

async function signIn(page: Page, base: string, token: string, next: string) {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.fill('input[name=token]', token);
  await page.click('button[type=submit]');
}

describe('evidence, appraisal and the commune\'s view of it', () => {
  for (const [label, width, height] of SIZES) {
    it(`at ${label} px: attach, send, appraise, complete, see the appraisal, rank`, async () => {
      const t = await evidenceProvince();
      const server = await listen(t.services.app);
      const base = server.base;
      const pdf = await realPdf('Bao cao he thong quan ly van ban');
      const png = realPng();
      const commune = await browser.newPage({ viewport: { width, height } });
      const appraiser = await browser.newPage({ viewport: { width, height }, acceptDownloads: true });
      try {
        // The commune: from /nop to its self-assessment of Quý III/2026.
        await signIn(commune, base, t.clerk, '/nop');
        await commune.waitForURL(/\/nop$/);
        await commune.selectOption('section.self-assessment select[name=period]', '2026-Q3');
        await commune.click('section.self-assessment button[type=submit]');
        await commune.waitForURL(/\/nop\/kiem-chung\?period=2026-Q3/);
        // The template to fill, first on the page: a link a thumb can press, that downloads the unit's .xlsx.
        const templateLink = commune.locator('section.assessment-template a');
        expect(await templateLink.innerText()).toBe('Tải mẫu tự chấm điểm (.xlsx)');
        const box = (await templateLink.boundingBox())!;
        expect(box.height).toBeGreaterThanOrEqual(44);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
        const template = await commune.request.get(`${base}${await templateLink.getAttribute('href')}`);
        expect(template.status()).toBe(200);
        expect(template.headers()['content-disposition']).toBe('attachment; filename="mau-tu-cham-diem-xa-yen-lac-2026-Q3.xlsx"');
        await commune.setInputFiles('#ev-DOC', { name: 'bao-cao-qlvb.pdf', mimeType: 'application/pdf', buffer: pdf });
        await commune.setInputFiles('#ev-SIG', { name: 'quyet-dinh-12.png', mimeType: 'image/png', buffer: png });
        await commune.click('section.evidence-form button[type=submit]');
        await commune.waitForURL(/kc=2/);
        expect(await commune.locator('p.confirm').innerText()).toBe('Đã lưu 2 tệp kiểm chứng.');
        expect(await commune.locator('article[data-component="DOC"] ul.evidence').innerText()).toContain('bao-cao-qlvb.pdf');
        // Until the appraisal, each file can be taken back.
        expect(await commune.locator('ul.evidence button.remove').count()).toBe(2);
        await expectUsable(commune, width);
        await screenshot(commune, `evidence-commune-${label}`);

        await commune.setInputFiles('section.share input[name=file]', { name: 'tu-cham-yen-lac.csv', mimeType: 'text/csv', buffer: Buffer.from(SELF_ASSESSMENT, 'utf8') });
        await commune.click('section.share:has(input[name=file]) button[type=submit]');
        await commune.waitForURL(/\/nop\/nhan\//);
        expect(await commune.locator('h1').innerText()).toContain('Đã nhận');
        // The explanations name two files never attached: said, the attached one not.
        const missing = await commune.locator('.evidence-missing').innerText();
        expect(missing).toContain('"anh-chup-he-thong.png"');
        expect(missing).toContain('"ho-so-truc-tuyen.xlsx"');
        expect(missing).not.toContain('bao-cao-qlvb.pdf');
        await expectUsable(commune, width);
        t.services.runner.lakeChanged();

        // Before the appraisal is completed the commune sees none of it.
        await commune.goto(`${base}/nop/kiem-chung?period=2026-Q3`);
        expect(await commune.locator('.appraisal-result').count()).toBe(0);

        // The appraiser: the commune waits; its evidence is listed by component and downloads as a file.
        await signIn(appraiser, base, t.appraiser, '/tham-dinh?period=2026-Q3');
        await appraiser.waitForURL(/\/tham-dinh\?period=2026-Q3/);
        await appraiser.click('tr[data-unit="xa-yen-lac"] a');
        await appraiser.waitForURL(/\/tham-dinh\/xa-yen-lac/);
        const doc = appraiser.locator('article[data-component="DOC"]');
        expect(await doc.locator('ul.evidence').innerText()).toContain('bao-cao-qlvb.pdf');
        expect(await appraiser.locator('article[data-component="SIG"] ul.evidence').innerText()).toContain('quyet-dinh-12.png');
        expect(await appraiser.locator('article[data-component="DVC"] .evidence-none').innerText()).toBe('Chưa có tài liệu.');
        expect(await appraiser.locator('.evidence-missing').innerText()).toContain('"ho-so-truc-tuyen.xlsx"');
        await expectUsable(appraiser, width);
        await screenshot(appraiser, `evidence-appraisal-${label}`);
        const [download] = await Promise.all([appraiser.waitForEvent('download'), doc.locator('ul.evidence a').click()]);
        expect(download.suggestedFilename()).toBe('bao-cao-qlvb.pdf');
        expect((await readFile((await download.path())!)).equals(pdf)).toBe(true);
        const href = (await appraiser.locator('article[data-component="SIG"] ul.evidence a').getAttribute('href'))!;
        const served = await appraiser.request.get(`${base}${href}`);
        expect(served.status()).toBe(200);
        expect(served.headers()['content-disposition']).toMatch(/^attachment; filename="quyet-dinh-12\.png"/);
        expect(served.headers()['x-content-type-options']).toBe('nosniff');
        expect((await served.body()).equals(png)).toBe(true);

        // Three components: one above its maximum is refused, nothing kept; then completed.
        await appraiser.fill('#p-DOC', '650');
        await appraiser.fill('#p-SIG', '400');
        await appraiser.fill('#p-DVC', '150');
        await appraiser.click('button[value=complete]');
        expect(await appraiser.locator('.notice[role=alert]').innerText()).toContain('650 vượt điểm tối đa 600');
        await appraiser.fill('#p-DOC', '480,5');
        await appraiser.fill('#c-DOC', 'Thiếu số liệu tháng 9 trên hệ thống');
        await appraiser.fill('#c-DVC', 'Tỷ lệ 55%: đạt bậc 50%');
        await appraiser.click('button[value=complete]');
        await appraiser.waitForURL(/xong=/);
        expect(await appraiser.locator('tr[data-unit="xa-yen-lac"]').innerText()).toContain('Đã thẩm định');

        // The commune sees the appraisal on /nop: per component, the total.
        await commune.goto(`${base}/nop`);
        await commune.click('.appraised-periods a[data-period="2026-Q3"]');
        await commune.waitForURL(/\/nop\/kiem-chung\?period=2026-Q3/);
        const row = (code: string) => commune.locator(`.appraisal-result tr[data-component="${code}"]`);
        expect((await row('DOC').innerText()).replace(/\s+/g, ' ')).toMatch(/Văn bản điện tử.*600.*550.*480,5.*Thiếu số liệu tháng 9 trên hệ thống/);
        expect((await row('SIG').innerText()).replace(/\s+/g, ' ')).toMatch(/Chữ ký số.*400.*400.*400/);
        expect((await row('DVC').innerText()).replace(/\s+/g, ' ')).toMatch(/Hồ sơ trực tuyến toàn trình.*300.*300.*150.*Tỷ lệ 55%: đạt bậc 50%/);
        expect(await commune.locator('.appraisal-total').innerText()).toBe('Tổng điểm sau thẩm định (dùng để xếp hạng): 1.030,5 / 1.300');
        expect(await commune.locator('ul.evidence button.remove').count()).toBe(0);
        // Appraised: nothing left to fill, no template offered.
        expect(await commune.locator('section.assessment-template').count()).toBe(0);
        await expectUsable(commune, width);
        await screenshot(commune, `evidence-appraised-${label}`);
        await commune.goto(`${base}/nop/kiem-chung?period=2026-Q3&lang=en`);
        expect(await commune.locator('.appraisal-result h2').innerText()).toBe('The province\'s appraisal');
        expect(await commune.locator('.appraisal-total').innerText()).toBe('Total after appraisal (used in the ranking): 1,030.5 / 1,300');
        expect(await commune.locator('html').getAttribute('lang')).toBe('en');

        // The ranking takes the appraised points: 1,030.5 of 1,300 is 792.7 of 1,000.
        t.services.runner.lakeChanged();
        const ranking = toRows((await t.services.runner.run(t.services.queries.get('dti_ranking')!, { period: '2026-Q3', group: '' })).table);
        expect(ranking.find((r) => r.unit === 'xa-yen-lac')).toMatchObject({ total_points: 792.7, self_total_points: 961.5, appraised_components: 3 });
      } finally {
        await commune.close();
        await appraiser.close();
        await server.close();
        await t.close();
      }
    }, 240_000);
  }
});
