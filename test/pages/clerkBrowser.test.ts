import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { composeQuery } from '../../functions/runtimes/compose.ts';
import { listen } from '../helpers/appServer.ts';
import { layoutProblems, seriousViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/browser.ts';
import { SIZES, screenshot } from '../helpers/screenshots.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * A commune's clerk on a 360 px phone and on a desktop, on 4/12/2026: Xã Tam Hồng never sent Quý
 * III/2026 (due 10/10/2026). She signs in, sees it first with its days late, sends a file with a
 * mistake and reads its errors, sends it right, lands on the answer's own address, reloads it
 * (nothing is sent twice), switches language (the answer stays), signs out. Every page on the way
 * has no serious accessibility violation (axe-core), no small target on a phone, no small text and
 * no sideways scroll.
 */
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

/** A private copy of the demo lake on 4/12/2026, served on loopback, with a clerk and an analyst. */
async function start() {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-clerk-browser-'));
  await cp(inject('demoLake'), dir, { recursive: true });
  const services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 }, { now: () => new Date('2026-12-04T03:00:00Z') });
  const clerk = await services.tokens.issue({ name: 'Văn thư Tam Hồng', role: 'staff', unit: 'xa-tam-hong-2025' });
  const analyst = await services.tokens.issue({ name: 'Chị Lan', role: 'analyst', unit: null });
  const server = await listen(services.app);
  const submissions = async () => ((await (await services.app.request('/api/submissions', { headers: { Authorization: `Bearer ${analyst}` } })).json()) as unknown[]).length;
  return {
    base: server.base, clerk, submissions,
    issue: (name: string, unit: string) => services.tokens.issue({ name, role: 'staff', unit }),
    close: async () => { await server.close(); await services.close(); await rm(dir, { recursive: true, force: true }); },
  };
}

/** What a person on this page would trip over: axe's serious/critical findings, small targets (phone), small text, sideways scroll. */
async function expectUsable(page: Page, width: number) {
  expect(await seriousViolations(page), page.url()).toEqual([]);
  expect(await layoutProblems(page, { checkTargets: width <= 640 }), page.url()).toEqual([]);
}

const report = (rows: string) => Buffer.from(csvBytes(`Đơn vị: Xã Tam Hồng\nKỳ báo cáo: Quý III/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n${rows}`));

describe('a clerk, on a phone and on a desktop', () => {
  for (const [label, width, height] of SIZES) {
    it(`at ${label} px: sees what is due, reads a rejected file's errors, sends it right, lands on the answer, reloads it safely and keeps the receipt`, async () => {
      const t = await start();
      const page = await browser.newPage({ viewport: { width, height } });
      try {
        await page.goto(`${t.base}/login?next=%2Fnop`);
        expect(await page.locator('.notice p.hint').innerText()).toContain('Mã do chuyên viên chuyển đổi số của tỉnh cấp');
        await expectUsable(page, width);
        await page.fill('input[name=token]', t.clerk);
        await page.click('button[type=submit]');
        await page.waitForURL(`${t.base}/nop`);
        // What is due, the overdue period first with its days late.
        const first = page.locator('ul.periods li').first();
        expect(await first.getAttribute('data-status')).toBe('late');
        expect(await first.innerText()).toMatch(/Quý III\/2026\s+Quá hạn 55 ngày, chưa nộp\s+Hạn nộp: 10\/10\/2026/);
        expect(await page.locator('p.send-now').innerText()).toContain('Cần gửi ngay: Quý III/2026');
        await expectUsable(page, width);
        await screenshot(page, `clerk-due-${label}`, { keep: width === 360 });

        // A file with a mistake: its errors, on a page of their own.
        const before = await t.submissions();
        await page.setInputFiles('input[name=file]', { name: 'tam-hong-loi.csv', mimeType: 'text/csv', buffer: report('1,Thư công vụ,13000,12000\n2,Văn bản điện tử,9000,10000\n') });
        await page.click('form[enctype="multipart/form-data"] button');
        await page.waitForURL(/\/nop\/nhan\/[^/?]+$/);
        expect(await page.locator('h1').innerText()).toBe('Bị từ chối: tam-hong-loi.csv');
        expect(await page.locator('ul.errors').innerText()).toContain('Thư công vụ');
        await expectUsable(page, width);
        await screenshot(page, `clerk-rejected-${label}`, { keep: width === 360 });

        await page.goto(`${t.base}/nop`);
        await page.setInputFiles('input[name=file]', { name: 'tam-hong-quy-III-2026.csv', mimeType: 'text/csv', buffer: report('1,Thư công vụ,11500,12000\n2,Văn bản điện tử,9000,10000\n') });
        await page.click('form[enctype="multipart/form-data"] button');
        await page.waitForURL(/\/nop\/nhan\/[^/?]+$/);
        const answerUrl = page.url();
        const receipt = await page.locator('[data-receipt]').innerText();
        expect(answerUrl.endsWith(`/nop/nhan/${receipt}`)).toBe(true);
        expect(await page.locator('h1').innerText()).toBe('Đã nhận: tam-hong-quy-III-2026.csv');
        expect(await page.locator('dd.timeliness').innerText()).toBe('Quý III/2026: nộp muộn 55 ngày (hạn nộp 10/10/2026)');
        expect(await page.locator('tr[data-indicator="OFFICIAL_EMAIL"] td').allInnerTexts()).toEqual(expect.arrayContaining(['Thư công vụ', '11.500', '12.000', '95,8']));
        // Every indicator's name reads on at most two lines, a phone's too (no column squeezed to a word a line).
        const nameLines = await page.locator('table.values td.name').evaluateAll((cells) => cells.map((td) => {
          const range = document.createRange();
          range.selectNodeContents(td);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        }));
        expect(Math.max(...nameLines)).toBeLessThanOrEqual(2);
        await expectUsable(page, width);
        await screenshot(page, `clerk-answer-${label}`, { keep: width === 360 });
        expect(await t.submissions()).toBe(before + 2);

        // A reload shows the answer again and sends nothing.
        await page.reload();
        expect(page.url()).toBe(answerUrl);
        expect(await page.locator('[data-receipt]').innerText()).toBe(receipt);
        expect(await t.submissions()).toBe(before + 2);
        // "English" keeps the answer.
        await page.click('nav.lang a[hreflang="en"]');
        await page.waitForURL(`${answerUrl}?lang=en`);
        expect(await page.locator('h1').innerText()).toBe('Accepted: tam-hong-quy-III-2026.csv');
        expect(await page.locator('[data-receipt]').innerText()).toBe(receipt);
        await expectUsable(page, width);

        // /nop in English: the states in English, nothing wider than the screen.
        await page.goto(`${t.base}/nop?lang=en`);
        expect(await page.locator('ul.periods li[data-period="2026-Q3"] .state').innerText()).toBe('Received, 55 days late');
        await expectUsable(page, width);

        // Back on /nop: the period is received, late; the receipt is in the history.
        await page.goto(`${t.base}/nop`);
        expect(await page.locator('ul.periods li[data-period="2026-Q3"]').innerText()).toMatch(/Đã nhận, nộp muộn 55 ngày/);
        expect(await page.locator(`table.history a.receipt[href="/nop/nhan/${receipt}"]`).count()).toBe(1);
        await expectUsable(page, width);
        // Signing out ends the session: /nop asks to sign in again.
        await page.click('a.sign-out');
        await page.waitForURL(/\/login$/);
        await page.goto(`${t.base}/nop`);
        expect(page.url()).toMatch(/\/login\?next=%2Fnop$/);
      } finally {
        await page.close();
        await t.close();
      }
    }, 180_000);
  }
});

describe('a clerk explaining her warnings in the browser', () => {
  it('at 360 px: types two explanations, sends once; both are kept, nothing typed is lost', async () => {
    const t = await start();
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    try {
      // Tề Lỗ's Quý III/2026 report has warnings (official e-mail fell sharply).
      const telo = await t.issue('Văn thư Tề Lỗ', 'xa-te-lo-2025');
      await page.goto(`${t.base}/login`);
      await page.fill('input[name=token]', telo);
      await page.click('button[type=submit]');
      await page.waitForURL(`${t.base}/nop`);
      const boxes = page.locator('form[action="/nop/giai-trinh"] textarea');
      expect(await boxes.count()).toBeGreaterThanOrEqual(2);
      await expectUsable(page, 360);
      await boxes.nth(0).fill('Chuyển sang hệ thống thư mới của tỉnh');
      await boxes.nth(1).fill('Số hồ sơ giảm vì sáp nhập xã');
      await page.locator('form[action="/nop/giai-trinh"] button[type="submit"]').click();
      await page.waitForURL(/\/nop\?kq=2$/);
      const text = await page.locator('body').innerText();
      expect(text).toContain('Đã lưu 2 giải trình.');
      expect(text).toContain('Đã giải trình: Chuyển sang hệ thống thư mới của tỉnh');
      expect(text).toContain('Đã giải trình: Số hồ sơ giảm vì sáp nhập xã');
      await expectUsable(page, 360);
    } finally {
      await page.close();
      await t.close();
    }
  }, 180_000);
});
