import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceProvince } from '../helpers/evidenceProvince.ts';

/**
 * A signed-in person who opens a page meant for someone else is told whose page it is and led
 * back to their own (and offered sign-out), never sent to the sign-in page as if signed out.
 */
let t: Awaited<ReturnType<typeof evidenceProvince>>;
beforeAll(async () => { t = await evidenceProvince(); }, 120_000);
afterAll(async () => { await t?.close(); });

const open = (path: string, token?: string) => t.services.app.request(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
const backLink = (html: string) => /<p class="back"><a href="([^"]+)">([^<]+)<\/a>/.exec(html)?.slice(1);

describe('a page meant for someone else', () => {
  it('tells a clerk, a head, an appraiser and an administrator whose page /q is, and leads each back to their own', async () => {
    for (const [token, home] of [[t.clerk, '/nop'], [t.head, '/nop'], [t.appraiser, '/tham-dinh'], [t.admin, '/quan-tri']] as const) {
      for (const path of ['/q', '/q/dti_ranking?period=2026-Q3', '/q/links', '/q/outbox']) {
        const res = await open(path, token);
        expect(res.status, `${path} ${home}`).toBe(403);
        const html = await res.text();
        expect(html).toContain('Trang này dành cho chuyên viên phân tích số liệu');
        expect(backLink(html)).toEqual([home, 'Về trang của bạn']);
        expect(html).toContain('href="/logout"');
      }
    }
    // Nobody signed in: the sign-in page, coming back here afterwards.
    const anonymous = await open('/q/links');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Fq%2Flinks');
    expect((await open('/q', t.analyst)).status).toBe(200);
  });

  it('leads a clerk back from the appraisal pages, in the page\'s language', async () => {
    const appraisal = await open('/tham-dinh?period=2026-Q3', t.clerk);
    expect(appraisal.status).toBe(403);
    expect(backLink(await appraisal.text())).toEqual(['/nop', 'Về trang của bạn']);
    const english = await open('/q?lang=en', t.clerk);
    expect(backLink(await english.text())).toEqual(['/nop', 'Back to your page']);
  });
});
