import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { toRows } from '../../functions/http/tableRows.ts';
import { importRegistry } from '../../functions/services/registry.ts';
import { composeQuery } from '../../functions/runtimes/compose.ts';
import { listen } from '../helpers/appServer.ts';
import { layoutProblems, seriousViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/browser.ts';
import { PROVINCE_FILES, provinceReport } from '../helpers/provinceRegistry.ts';
import { SIZES, screenshot } from '../helpers/screenshots.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * An appraiser of the province, on a phone and on a desktop: signs in, sees the commune waiting,
 * opens it (the rule, the maximum, the value and its points, the commune's own points and
 * evidence), is refused a point above the maximum, saves a draft, completes; the ranking then
 * takes the appraised points, read from the same lake rows as a spreadsheet appraisal.
 */
let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); }, 120_000);
afterAll(async () => { await browser?.close(); });

async function start() {
  const dir = await mkdtemp(join(tmpdir(), 'chiso-appraise-'));
  const now = new Date('2026-10-20T02:00:00Z');
  await importRegistry(new FsObjectStore(dir), PROVINCE_FILES, now);
  const services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 }, { now: () => now });
  const appraiser = await services.tokens.issue({ name: 'Anh Minh (Sở KH&CN)', role: 'appraiser', unit: null });
  const clerk = await services.tokens.issue({ name: 'Văn thư xã', role: 'staff', unit: 'xa-yen-lac' });
  const values = await services.ingest({ bytes: csvBytes(provinceReport('Quý III/2026', [['xa-yen-lac', 60, false], ['xa-te-lo', 70, true]])), fileName: 'so-lieu.csv' });
  expect(values.errors).toEqual([]);
  const self = await services.ingest({
    bytes: csvBytes('Đơn vị: Xã Yên Lạc\nKỳ báo cáo: Quý III/2026\nSTT,Mã chỉ số,Điểm tối đa,Điểm tự chấm,Giải trình\n1,DOC,600,550,Báo cáo hệ thống QLVB\n2,SIG,400,400,Quyết định 12/QĐ-UBND về chữ ký số\n'),
    fileName: 'tu-cham-yen-lac.csv', allowedUnits: ['xa-yen-lac'], mayAppraise: false,
  });
  expect(self.errors).toEqual([]);
  services.runner.lakeChanged();
  const server = await listen(services.app);
  return { base: server.base, appraiser, clerk, services, close: async () => { await server.close(); await services.close(); await rm(dir, { recursive: true, force: true }); } };
}

async function expectUsable(page: Page, width: number) {
  expect(await seriousViolations(page), page.url()).toEqual([]);
  expect(await layoutProblems(page, { checkTargets: width <= 640 }), page.url()).toEqual([]);
}

describe('an appraiser appraising a commune\'s self-assessment', () => {
  for (const [label, width, height] of SIZES) {
    it(`at ${label} px: opens the waiting commune, is refused a point above the maximum, saves a draft, completes`, async () => {
      const t = await start();
      const page = await browser.newPage({ viewport: { width, height } });
      try {
        // A clerk may not open it.
        const refused = await t.services.app.request('/tham-dinh?period=2026-Q3', { headers: { Authorization: `Bearer ${t.clerk}` } });
        expect(refused.status).toBe(403);

        await page.goto(`${t.base}/login?next=${encodeURIComponent('/tham-dinh?period=2026-Q3')}`);
        await page.fill('input[name=token]', t.appraiser);
        await page.click('button[type=submit]');
        await page.waitForURL(/\/tham-dinh\?period=2026-Q3/);
        expect(await page.locator('tr[data-unit="xa-yen-lac"]').innerText()).toContain('Chờ thẩm định');
        await expectUsable(page, width);

        await page.click('tr[data-unit="xa-yen-lac"] a');
        await page.waitForURL(/\/tham-dinh\/xa-yen-lac/);
        const doc = page.locator('article[data-component="DOC"]');
        expect(await doc.innerText()).toContain('Điểm tự chấm: 550');
        expect(await doc.innerText()).toContain('Báo cáo hệ thống QLVB');
        expect(await doc.innerText()).toContain('Điểm tính từ số liệu: 360');
        // The unit's value as reported: a rate with its percent sign, yes/no as Có/Không, never 1/0.
        expect(await doc.locator('[data-value]').innerText()).toBe('60%');
        expect(await page.locator('article[data-component="SIG"] [data-value]').innerText()).toMatch(/^(Có|Không)$/);
        expect(await page.locator('article[data-component="SIG"]').innerText()).toContain('Quyết định 12/QĐ-UBND về chữ ký số');
        await expectUsable(page, width);
        await screenshot(page, `appraisal-unit-${label}`);

        // Above the maximum: refused, said beside the form, nothing kept.
        await page.fill('#p-DOC', '650');
        await page.fill('#p-SIG', '0');
        await page.click('button[value=complete]');
        expect(await page.locator('.notice[role=alert]').innerText()).toContain('650 vượt điểm tối đa 600');
        expect(await page.inputValue('#p-DOC')).toBe('650');
        await expectUsable(page, width);

        // A draft keeps the work without counting it.
        await page.fill('#p-DOC', '480,5');
        await page.fill('#c-DOC', 'Thiếu số liệu tháng 9 trên hệ thống');
        await page.click('button[value=draft]');
        await page.waitForURL(/nhap=1/);
        expect(await page.inputValue('#p-DOC')).toBe('480,5');
        t.services.runner.lakeChanged();
        const before = toRows((await t.services.runner.run(t.services.queries.get('dti_scorecards')!, { period: '2026-Q3' })).table);
        expect(before.filter((r) => r.unit === 'xa-yen-lac').map((r) => r.appraised_points)).toEqual([null, null]);

        await page.click('button[value=complete]');
        await page.waitForURL(/\/tham-dinh\?period=2026-Q3&xong=/);
        expect(await page.locator('p.confirm').innerText()).toContain('Đã hoàn thành thẩm định Xã Yên Lạc');
        expect(await page.locator('tr[data-unit="xa-yen-lac"]').innerText()).toContain('Đã thẩm định');
        await expectUsable(page, width);

        // The ranking takes the appraised points: (480.5 + 0) of 1,000, the self-assessment beside.
        const ranking = toRows((await t.services.runner.run(t.services.queries.get('dti_ranking')!, { period: '2026-Q3', group: '' })).table);
        expect(ranking.find((r) => r.unit === 'xa-yen-lac')).toMatchObject({ total_points: 480.5, self_total_points: 950, appraised_components: 2 });
        const card = toRows((await t.services.runner.run(t.services.queries.get('dti_scorecards')!, { period: '2026-Q3' })).table).filter((r) => r.unit === 'xa-yen-lac');
        expect(card.map((r) => [r.indicator_code, r.appraised_points, r.appraisal_note])).toEqual([['DOC', 480.5, 'Thiếu số liệu tháng 9 trên hệ thống'], ['SIG', 0, null]]);
      } finally {
        await page.close();
        await t.close();
      }
    }, 180_000);
  }
});
