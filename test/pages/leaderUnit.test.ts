import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatNumber } from '../../functions/http/pages/renderPages.ts';
import { demoApp } from '../helpers/appServer.ts';
import { launchChromium } from '../helpers/browser.ts';

/** A unit's own page within a leader's link: reached from the link, authorised by it alone. */

let t: Awaited<ReturnType<typeof demoApp>>;
let browser: Browser;
const SCREEN = { width: 360, height: 740 };

beforeAll(async () => {
  t = await demoApp(inject('demoLake'), { listen: true });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

type Row = Record<string, string | number | boolean | null>;
const api = async (query: string, params: Record<string, string>) =>
  (await (await t.app.request(`/api/queries/${query}?${new URLSearchParams(params)}`, { headers: t.auth(t.analyst) })).json()) as Row[];
const makeLink = async (query: string, params: Record<string, string>, expiresIn = 7 * 86400) => {
  const res = await t.app.request('/api/links', { method: 'POST', headers: { ...t.auth(t.analyst), 'Content-Type': 'application/json' }, body: JSON.stringify({ query, params, expires_in: expiresIn }) });
  const body = (await res.json()) as { id: string; url: string };
  return { id: body.id, path: new URL(body.url).pathname };
};
const html = { headers: { Accept: 'text/html' } };

describe('a unit\'s own page within a leader\'s link', () => {
  it('is reached from the summary at 360 px: each indicator with its value, target, ✓/✗ and the period before; DTI by pillar; the trend with its predecessors named', async () => {
    const period = '2026-Q3';
    const scorecard = await api('district_scorecard', { period });
    const before = await api('district_scorecard', { period: '2026-Q2' });
    const dti = await api('dti_ranking', { period });
    const { path } = await makeLink('district_scorecard', { period });
    const page = await browser.newPage({ viewport: SCREEN, isMobile: true });
    await page.goto(`${t.base}${path}`);
    // Every name in the summary leads to that unit's page; the most improved has values to compare.
    for (const href of await page.locator('[data-summary] li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) expect(href).toMatch(/\/don-vi\/[a-z0-9-]+$/);
    const first = page.locator('[data-summary="improved"] li a').first();
    const name = await first.textContent();
    await first.click();
    await page.waitForURL(/\/don-vi\//);
    const unit = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    expect(await page.locator('h1').textContent()).toBe(name);
    const own = scorecard.filter((r) => r.unit === unit);
    expect(own.length).toBeGreaterThan(0);
    const items = await page.locator('ol.unit-indicators li').evaluateAll((els) => els.map((e) => ({ code: e.getAttribute('data-indicator'), text: e.textContent! })));
    expect(items.map((i) => i.code)).toEqual(own.map((r) => r.indicator_code));
    for (const r of own) {
      const text = items.find((i) => i.code === r.indicator_code)!.text;
      if (r.value === null) { expect(text).toContain('chưa báo cáo'); continue; }
      if (r.measure !== 'boolean') expect(text, String(r.indicator_code)).toContain(formatNumber(r.value as number, 'vi'));
      expect(text).toContain(r.met ? '✓' : '✗');
      expect(text).toMatch(/chỉ tiêu ≥ \d|cần (Có|Không)/);
      const previous = before.find((b) => b.unit === unit && b.indicator_code === r.indicator_code);
      if (previous?.value != null && r.measure !== 'boolean') expect(text).toContain(`kỳ trước: ${formatNumber(previous.value as number, 'vi')}`);
    }
    const ranked = dti.find((r) => r.unit === unit);
    if (ranked?.total_points != null) expect(await page.locator('[data-dti-total]').textContent()).toContain(formatNumber(ranked.total_points as number, 'vi'));
    expect(await page.locator('[data-part="dti"] ul.pillars li').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-part="trend"] li[data-period]').count()).toBeGreaterThan(1);
    // Nothing scrolls sideways, no codes.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(SCREEN.width);
    const text = await page.evaluate(() => document.body.textContent!);
    expect(text).not.toContain(unit);
    expect(text).not.toMatch(/\b\d{4}-(Q\d|\d{2}-\d{2})\b/);
    await page.close();
  });

  it('names the predecessors a merged commune\'s trend counts, and their values before the reform', async () => {
    const { path } = await makeLink('district_scorecard', { period: '2026-Q3' });
    const res = await t.app.request(`${path}/don-vi/xa-yen-lac`, html);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('data-predecessors');
    for (const name of ['Thị trấn Yên Lạc', 'Xã Bình Định', 'Xã Đồng Cương']) expect(body).toContain(name);
    expect(body).toMatch(/data-period="2024-Q4"/);
    // The English page is English throughout (pillar names from the framework's pillar_name_en).
    const english = (await (await t.app.request(`${path}/don-vi/xa-yen-lac?lang=en`, html)).text()).replace(/<[^>]+>/g, ' ');
    for (const word of ['Quý ', 'chỉ tiêu', 'kỳ trước', 'Chính quyền số', 'Trụ cột', 'chia sẻ']) expect(english, word).not.toContain(word);
    expect(english).toContain('Digital government');
  });

  it('is refused for a tampered link (403), a unit outside the link\'s answer (403), a revoked link (410) and an expired one (410)', async () => {
    const { id, path } = await makeLink('district_scorecard', { period: '2026-Q3' }, 3600);
    const ok = await t.app.request(`${path}/don-vi/xa-yen-lac`, html);
    expect(ok.status).toBe(200);
    const token = path.split('/')[2]!;
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await t.app.request(`/l/${tampered}/don-vi/xa-yen-lac`, html)).status).toBe(403);
    // A commune that the reform merged away is not in 2026-Q3's answer, though it exists in the registry.
    const outside = await t.app.request(`${path}/don-vi/xa-binh-dinh`, html);
    expect(outside.status).toBe(403);
    expect(await outside.text()).toContain('không thuộc báo cáo của liên kết');
    expect((await t.app.request(`${path}/don-vi/no-such-unit`, html)).status).toBe(403);
    // A link without a unit in its answer (a trend) opens no unit at all.
    const trend = await makeLink('district_trend', { from: '2025-Q1', to: '2026-Q3' });
    expect((await t.app.request(`${trend.path}/don-vi/xa-yen-lac`, html)).status).toBe(403);
    const revoked = await makeLink('district_scorecard', { period: '2026-Q3' });
    expect((await t.app.request(`/api/links/${revoked.id}`, { method: 'DELETE', headers: t.auth(t.analyst) })).status).toBe(200);
    expect((await t.app.request(`${revoked.path}/don-vi/xa-yen-lac`, html)).status).toBe(410);
    t.advance(2 * 3600);
    const expired = await t.app.request(`${path}/don-vi/xa-yen-lac`, html);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('hết hạn');
    expect(id).toBeTruthy();
  });
});
