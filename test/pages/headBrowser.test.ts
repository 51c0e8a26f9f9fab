import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeQuery } from '../../functions/runtimes/compose.ts';
import { toRows } from '../../functions/http/render.ts';
import { listen } from '../helpers/appServer.ts';
import { layoutProblems, seriousViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/browser.ts';
import { SIZES, screenshot } from '../helpers/screenshots.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * A unit's head on a phone and on a desktop: signs in, sees what waits with its values, returns one,
 * approves the rest at once. Every page on the way has no serious accessibility violation
 * (axe-core), no small target on a phone, no small text and no sideways scroll.
 */
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

/** A fresh lake with approval on, three quarters of Xã Tề Lỗ waiting, served on loopback. */
async function start() {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-head-'));
  const services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7, initialApproval: true }, { now: () => new Date('2026-10-20T02:00:00Z') });
  const head = await services.tokens.issue({ name: 'Chủ tịch UBND xã Tề Lỗ', role: 'head', unit: 'xa-te-lo-2025' });
  const clerk = await services.tokens.issue({ name: 'Văn thư Tề Lỗ', role: 'staff', unit: 'xa-te-lo-2025' });
  for (const [quarter, num] of [['I', 61], ['II', 62], ['III', 63]] as const) {
    const body = csvBytes(`Đơn vị: Xã Tề Lỗ\nKỳ báo cáo: Quý ${quarter}/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,${num},100\n`);
    const sent = await services.app.request(`/api/submissions?filename=te-lo-quy-${quarter}.csv`, { method: 'PUT', headers: { Authorization: `Bearer ${clerk}` }, body });
    expect(sent.status).toBe(201);
  }
  const server = await listen(services.app);
  return {
    base: server.base, head, clerk, services,
    close: async () => { await server.close(); await services.close(); await rm(dir, { recursive: true, force: true }); },
  };
}

/** The "Kỳ trước" cell of a waiting report's DOC_ONLINE row. */
/** The head signs in with her code and lands on /duyet. */
async function signInAsHead(page: Page, t: { base: string; head: string }) {
  await page.goto(`${t.base}/login`);
  await page.fill('input[name=token]', t.head);
  await page.click('button[type=submit]');
  await page.waitForURL(`${t.base}/duyet`);
}
/** A waiting report's card, by its file's name. */
const cardOf = (page: Page) => (file: string) => page.locator('article.review', { has: page.locator(`a:text-is("${file}")`) });
const previousOf = (card: ReturnType<Page['locator']>) => card.locator('tr[data-indicator="DOC_ONLINE"] td[data-label="Kỳ trước"], tr[data-indicator="DOC_ONLINE"] td[data-label="Previous period"]').innerText().then((t) => t.trim());

async function expectUsable(page: Page, width: number) {
  expect(await seriousViolations(page), page.url()).toEqual([]);
  expect(await layoutProblems(page, { checkTargets: width <= 640 }), page.url()).toEqual([]);
}

describe('a head approving, on a phone and on a desktop', () => {
  for (const [label, width, height] of SIZES) {
    it(`at ${label} px: reviews values beside the previous period, returns one with its reason, approves the rest in one step`, async () => {
      const t = await start();
      const base = t.base;
      const page = await browser.newPage({ viewport: { width, height } });
      try {
        await signInAsHead(page, t);
        expect(await page.locator('article.review').count()).toBe(3);
        // A shared office PC: sign-out is on the page, the brand leads home.
        expect(await page.locator('header a.sign-out').getAttribute('href')).toBe('/logout');
        expect(await page.locator('header a.brand').getAttribute('href')).toBe('/duyet');
        // Quý III beside Quý II's value is what the head checks; nothing is approved blind.
        const third = page.locator('article.review', { hasText: 'Quý III/2026' });
        expect(await third.locator('tr[data-indicator="DOC_ONLINE"] td').allInnerTexts()).toEqual(expect.arrayContaining(['63']));
        // Quý II waits too: its value stands beside, marked as waiting, not a blank "–".
        expect(await previousOf(third)).toMatch(/^62\s*chờ duyệt$/);
        expect(await previousOf(page.locator('article.review', { hasText: 'Quý I/2026' }))).toBe('–');
        // Large, separated targets; nothing wider than the screen; nothing axe calls serious.
        for (const box of await Promise.all((await page.locator('button.big').all()).map((b) => b.boundingBox()))) expect(box!.height).toBeGreaterThanOrEqual(44);
        await expectUsable(page, width);
        await screenshot(page, `head-review-${label}`, { keep: width === 360 });

        // "Trả lại" without a reason is not sent: the reason is asked for in place.
        await third.locator('button.ret').click();
        expect(page.url()).toBe(`${base}/duyet`);
        await third.locator('textarea[name=comment]').fill('Số văn bản đến chưa khớp sổ');
        await third.locator('button.ret').click();
        await page.waitForURL(/kq=returned/);
        expect(await page.locator('p.confirm').innerText()).toBe('Đã trả lại: te-lo-quy-III.csv.');
        expect(await page.locator('article.review').count()).toBe(2);
        await expectUsable(page, width);

        await page.click('form.approve-all button');
        await page.waitForURL(/kq=all/);
        expect(await page.locator('p.confirm').innerText()).toBe('Đã duyệt 2 báo cáo.');
        expect(await page.locator('article.review').count()).toBe(0);
        expect(await page.locator('[data-decision="approved"]').count()).toBe(2);
        expect(await page.locator('[data-decision="returned"]').count()).toBe(1);
        // Changing a decision made: the fold and its two buttons are thumb-sized too.
        const change = page.locator('details.change').first();
        await change.locator('summary').click();
        for (const el of [change.locator('summary'), ...(await change.locator('button').all())]) expect((await el.boundingBox())!.height).toBeGreaterThanOrEqual(44);
        await expectUsable(page, width);
        await screenshot(page, `head-decided-${label}`, { keep: width === 360 });
        // The same page in English: no sideways scroll, nothing serious.
        await page.goto(`${base}/duyet?lang=en`);
        await expectUsable(page, width);

        t.services.runner.lakeChanged();
        const current = toRows(await t.services.runner.runSql(`SELECT period, value FROM kpi_current WHERE unit = 'xa-te-lo-2025' ORDER BY period`, {}));
        expect(current).toEqual([{ period: '2026-Q1', value: 61 }, { period: '2026-Q2', value: 62 }]);
      } finally {
        await page.close();
        await t.close();
      }
    }, 180_000);
  }
});

describe('a head deciding one report at a time', () => {
  it('sees the previous period approved or waiting, and after each "Duyệt" the list says "Đã duyệt" at once, ten times over', async () => {
    const t = await start();
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await signInAsHead(page, t);
      const card = cardOf(page);
      expect(await previousOf(card('te-lo-quy-II.csv'))).toMatch(/^61\s*chờ duyệt$/);
      await card('te-lo-quy-I.csv').locator('button.approve').click();
      await page.waitForURL(/kq=approved/);
      // Quý I approved: Quý II's previous value is now the approved one, unmarked.
      expect(await previousOf(card('te-lo-quy-II.csv'))).toBe('61');
      for (let i = 0; i < 10; i++) {
        const file = `te-lo-quy-III-sua-${i}.csv`;
        const body = csvBytes(`Đơn vị: Xã Tề Lỗ\nKỳ báo cáo: Quý III/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,${70 + i},100\n`);
        const sent = await t.services.app.request(`/api/submissions?filename=${file}`, { method: 'PUT', headers: { Authorization: `Bearer ${t.clerk}` }, body });
        expect(sent.status).toBe(201);
        await page.goto(`${t.base}/duyet`);
        await card(file).locator('button.approve').click();
        await page.waitForURL(/kq=approved/);
        // The page the decision leads to already has it: no card left, the row says "Đã duyệt".
        expect(await card(file).count(), file).toBe(0);
        const row = page.locator('table.approvals tr', { has: page.locator(`a:text-is("${file}")`) });
        expect(await row.locator('[data-decision]').getAttribute('data-decision'), file).toBe('approved');
        expect(await row.locator('[data-decision]').innerText(), file).toMatch(/^Đã duyệt/);
      }
    } finally {
      await page.close();
      await t.close();
    }
  }, 240_000);
});

describe('a head deciding a report that raises quality warnings', () => {
  it('at 360 px sees the warnings of the waiting report, against the approved quarter, before deciding', async () => {
    const t = await start();
    const page = await browser.newPage({ viewport: { width: 360, height: 780 } });
    try {
      await signInAsHead(page, t);
      // Three quarters approved (Quý III at 63%), then Quý IV falls to 0%.
      const card = cardOf(page);
      for (const file of ['te-lo-quy-I.csv', 'te-lo-quy-II.csv', 'te-lo-quy-III.csv']) {
        await card(file).locator('button.approve').click();
        await page.waitForURL(/kq=approved/);
      }
      const body = csvBytes('Đơn vị: Xã Tề Lỗ\nKỳ báo cáo: Quý IV/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,0,100\n');
      expect((await t.services.app.request('/api/submissions?filename=te-lo-quy-IV.csv', { method: 'PUT', headers: { Authorization: `Bearer ${t.clerk}` }, body })).status).toBe(201);
      await page.goto(`${t.base}/duyet`);
      const warning = card('te-lo-quy-IV.csv').locator('ul.warnings li[data-kind="jump"][data-indicator="DOC_ONLINE"]');
      expect(await warning.innerText()).toMatch(/giảm từ 63% xuống 0%[\s\S]*Đơn vị chưa giải trình/);
      // Leaders' warnings still have none: the value waits.
      t.services.runner.lakeChanged();
      const leaders = toRows((await t.services.runner.run(t.services.queries.get('quality_warnings')!, { period: '2026-Q4' })).table);
      expect(leaders.filter((r) => r.unit === 'xa-te-lo-2025')).toEqual([]);
      await expectUsable(page, 360);
      await screenshot(page, 'head-review-warnings-360', { keep: true });
    } finally {
      await page.close();
      await t.close();
    }
  }, 180_000);
});
