import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { demoApp } from '../helpers/appServer.ts';
import { launchChromium } from '../helpers/browser.ts';

let t: Awaited<ReturnType<typeof demoApp>>;
let browser: Browser;
beforeAll(async () => { t = await demoApp(inject('demoLake'), { listen: true }); browser = await launchChromium(); }, 60_000);
afterAll(async () => { await browser?.close(); await t?.close(); });

it('measures', async () => {
  const out: Record<string, number> = {};
  for (const [query, params] of [['district_scorecard', { period: '2024-Q4' }], ['district_scorecard', { period: '2026-Q3' }], ['dti_ranking', { period: '2024-Q4' }], ['reporting_timeliness', { period: '2026-Q3' }]] as const) {
    const res = await fetch(`${t.base}/api/links`, { method: 'POST', headers: { ...t.auth(t.analyst), 'Content-Type': 'application/json' }, body: JSON.stringify({ query, params, expires_in: 86400 }) });
    const { url } = (await res.json()) as { url: string };
    for (const lang of ['vi', 'en']) {
      const page = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
      await page.goto(`${url}?lang=${lang}`);
      await page.waitForLoadState('networkidle');
      out[`${query} ${params.period} ${lang}`] = await page.evaluate(() => document.documentElement.scrollHeight);
      out[`${query} ${params.period} ${lang} width`] = await page.evaluate(() => document.documentElement.scrollWidth);
      if (lang === 'vi' && query === 'district_scorecard' && params.period === '2024-Q4') await page.screenshot({ path: `test-output/measure-${query}-${params.period}.png` });
      await page.close();
    }
  }
  writeFileSync(`test-output/heights-${process.env.TAG ?? 'x'}.json`, JSON.stringify(out, null, 1));
  expect(1).toBe(1);
}, 120_000);
