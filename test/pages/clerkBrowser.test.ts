import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { listen } from '../helpers/appServer.ts';
import { launchChromium } from '../helpers/browser.ts';
import { csvBytes } from '../helpers/workbook.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

/**
 * A commune's clerk on a 360 px phone, on 4/12/2026: Xã Tam Hồng never sent Quý III/2026 (due
 * 10/10/2026). She signs in, sees it first with its days late, sends it, lands on the answer's own
 * address, reloads it (nothing is sent twice), switches language (the answer stays), signs out.
 */
let dir: string;
let services: QueryServices;
let server: Awaited<ReturnType<typeof listen>>;
let base: string;
let browser: Browser;
let clerk: string;
let analyst: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-clerk-browser-'));
  await cp(inject('demoLake'), dir, { recursive: true });
  services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 }, { now: () => new Date('2026-12-04T03:00:00Z') });
  clerk = await services.tokens.issue({ name: 'Văn thư Tam Hồng', role: 'staff', unit: 'xa-tam-hong-2025' });
  analyst = await services.tokens.issue({ name: 'Chị Lan', role: 'analyst', unit: null });
  server = await listen(services.app);
  base = server.base;
  browser = await launchChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await services?.close();
  await rm(dir, { recursive: true, force: true });
});

const submissions = async () => ((await (await services.app.request('/api/submissions', { headers: { Authorization: `Bearer ${analyst}` } })).json()) as unknown[]).length;

describe('a clerk on a phone', () => {
  it('sees what is due, sends it, lands on the answer, reloads it safely and keeps the receipt', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${base}/login?next=%2Fnop`);
    expect(await page.locator('.notice p.hint').innerText()).toContain('Mã do chuyên viên chuyển đổi số của tỉnh cấp');
    await page.fill('input[name=token]', clerk);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/nop`);
    // What is due, the overdue period first with its days late.
    const first = page.locator('ul.periods li').first();
    expect(await first.getAttribute('data-status')).toBe('late');
    expect(await first.innerText()).toMatch(/Quý III\/2026\s+Quá hạn 55 ngày, chưa nộp\s+Hạn nộp: 10\/10\/2026/);
    expect(await page.locator('p.send-now').innerText()).toContain('Cần gửi ngay: Quý III/2026');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    for (const box of await Promise.all((await page.locator('main button').all()).map((b) => b.boundingBox()))) expect(box!.height).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: `${SCREENSHOTS}clerk-due-360.png`, fullPage: true });

    const before = await submissions();
    await page.setInputFiles('input[name=file]', { name: 'tam-hong-quy-III-2026.csv', mimeType: 'text/csv', buffer: Buffer.from(csvBytes('Đơn vị: Xã Tam Hồng\nKỳ báo cáo: Quý III/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,Thư công vụ,11500,12000\n2,Văn bản điện tử,9000,10000\n')) });
    await page.click('form[enctype="multipart/form-data"] button');
    await page.waitForURL(/\/nop\/nhan\/\d{8}T\d{9}Z-[0-9a-f]{8}$/);
    const answerUrl = page.url();
    const receipt = await page.locator('[data-receipt]').innerText();
    expect(answerUrl.endsWith(`/nop/nhan/${receipt}`)).toBe(true);
    expect(await page.locator('h1').innerText()).toBe('Đã nhận: tam-hong-quy-III-2026.csv');
    expect(await page.locator('dd.timeliness').innerText()).toBe('Quý III/2026: nộp muộn 55 ngày (hạn nộp 10/10/2026)');
    expect(await page.locator('tr[data-indicator="OFFICIAL_EMAIL"] td').allInnerTexts()).toEqual(expect.arrayContaining(['Thư công vụ', '11.500', '12.000', '95,8']));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: `${SCREENSHOTS}clerk-answer-360.png`, fullPage: true });
    expect(await submissions()).toBe(before + 1);

    // A reload shows the answer again and sends nothing.
    await page.reload();
    expect(page.url()).toBe(answerUrl);
    expect(await page.locator('[data-receipt]').innerText()).toBe(receipt);
    expect(await submissions()).toBe(before + 1);
    // "English" keeps the answer.
    await page.click('nav.lang a[hreflang="en"]');
    await page.waitForURL(`${answerUrl}?lang=en`);
    expect(await page.locator('h1').innerText()).toBe('Accepted: tam-hong-quy-III-2026.csv');
    expect(await page.locator('[data-receipt]').innerText()).toBe(receipt);

    // Back on /nop: the period is received, late; the receipt is in the history.
    await page.goto(`${base}/nop`);
    expect(await page.locator('ul.periods li[data-period="2026-Q3"]').innerText()).toMatch(/Đã nhận, nộp muộn 55 ngày/);
    expect(await page.locator(`table.history a.receipt[href="/nop/nhan/${receipt}"]`).count()).toBe(1);
    // Signing out ends the session: /nop asks to sign in again.
    await page.click('a.sign-out');
    await page.waitForURL(/\/login$/);
    await page.goto(`${base}/nop`);
    expect(page.url()).toMatch(/\/login\?next=%2Fnop$/);
    await page.close();
  }, 120_000);
});
