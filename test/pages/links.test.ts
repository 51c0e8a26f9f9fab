import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { createTokenStore } from '../../functions/services/accessStore.ts';
import { demoApp } from '../helpers/appServer.ts';

let t: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => { t = await demoApp(inject('demoLake')); });
afterAll(async () => { await t.close(); });

async function makeLink(body: object, token = t.analyst, on = t) {
  return on.app.request('/api/links', { method: 'POST', headers: { ...t.auth(token), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

describe('signed links', () => {
  it('binds the query and its parameters: the URL cannot be edited to see something else', async () => {
    const res = await makeLink({ query: 'unit_report', params: { unit: 'xa-lien-chau', period: '2024-Q4' }, expires_in: 86400 });
    expect(res.status).toBe(201);
    const { url, expires_at } = (await res.json()) as { url: string; expires_at: string };
    expect(expires_at).toBe('2025-06-16T00:00:00.000Z');
    const path = new URL(url).pathname;
    const page = await t.app.request(path);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('Báo cáo của một đơn vị');
    expect(text).toContain('Đơn vị: Xã Liên Châu');
    // Extra query parameters are ignored; only lang is read.
    const tried = await (await t.app.request(`${path}?unit=xa-dai-tu&period=2023-Q1`)).text();
    expect(tried).toContain('Đơn vị: Xã Liên Châu');
    expect(tried).not.toContain('Xã Đại Tự');
    // Any change to the token is refused.
    const token = path.split('/')[2]!;
    const [payload, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), params: { unit: 'xa-dai-tu', period: '2024-Q4' } })).toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${payload}.${mac!.slice(0, -2)}AA`, `${payload}`, 'x.y.z']) {
      const r = await t.app.request(`/l/${bad}`);
      expect(r.status, bad).toBe(403);
      expect(await r.text()).toContain('Liên kết không hợp lệ');
    }
  });

  it('stops working at its expiry, and says who to ask', async () => {
    const { url } = (await (await makeLink({ query: 'unit_ranking', params: { period: '2024-Q4' }, expires_in: 600 })).json()) as { url: string };
    const path = new URL(url).pathname;
    expect((await t.app.request(path)).status).toBe(200);
    t.advance(601);
    const gone = await t.app.request(path);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('Hãy liên hệ Chị Lan (Phòng VH-TT)');
    const english = await (await t.app.request(`${path}?lang=en`)).text();
    expect(english).toContain('Ask Chị Lan (Phòng VH-TT) for a new one');
  });

  it('lets an analyst list and revoke her links', async () => {
    const { id, url } = (await (await makeLink({ query: 'missing_submissions', params: { period: '2024-Q4' } })).json()) as { id: string; url: string };
    const listed = (await (await t.app.request('/api/links', { headers: t.auth(t.analyst) })).json()) as { id: string }[];
    expect(listed.map((l) => l.id)).toContain(id);
    expect((await t.app.request(`/api/links/${id}`, { method: 'DELETE', headers: t.auth(t.analyst) })).status).toBe(200);
    const revoked = await t.app.request(new URL(url).pathname);
    expect(revoked.status).toBe(410);
    expect(await revoked.text()).toContain('thu hồi');
  });

  it('refuses a link with bad parameters, to staff, or for too long', async () => {
    expect((await makeLink({ query: 'district_scorecard', params: { period: 'Q9' } })).status).toBe(400);
    expect((await makeLink({ query: 'nope', params: {} })).status).toBe(404);
    expect((await makeLink({ query: 'district_scorecard', params: { period: '2024-Q4' }, expires_in: 5 * 365 * 86400 })).status).toBe(400);
    expect((await makeLink({ query: 'district_scorecard', params: { period: '2024-Q4' } }, t.clerk)).status).toBe(403);
  });

  it('serves pages with a CSP without unsafe-inline, nosniff and frame-ancestors, and no inline style or script', async () => {
    const { url } = (await (await makeLink({ query: 'district_scorecard', params: { period: '2024-Q4' } })).json()) as { url: string };
    const res = await t.app.request(new URL(url).pathname);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const body = await res.text();
    expect(body).not.toMatch(/<script|style="|<style/);
    expect(body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/); // nothing loaded from elsewhere
  });
});

describe('analyst pages', () => {
  it('need a sign-in; the token is kept in an HttpOnly, SameSite=Strict cookie', async () => {
    const anonymous = await t.app.request('/q/unit_ranking?period=2024-Q4');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toContain('/login');
    const login = await t.app.request('/login', { method: 'POST', body: new URLSearchParams({ token: t.analyst, next: '/q/unit_ranking?period=2024-Q4' }) });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const page = await t.app.request('/q/unit_ranking?period=2024-Q4', { headers: { Cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Xếp hạng đơn vị');
    // A unit's clerk signs in to her report pages, never to the analysts' queries.
    const clerk = await t.app.request('/login', { method: 'POST', body: new URLSearchParams({ token: t.clerk, next: '/q/unit_ranking?period=2024-Q4' }) });
    expect(clerk.status).toBe(303);
    expect(clerk.headers.get('location')).toBe('/nop');
    const clerkCookie = clerk.headers.get('set-cookie')!.split(';')[0]!;
    // Signed in, she is told the page is an analyst's and led back to hers, not asked to sign in again.
    const refused = await t.app.request('/q/unit_ranking?period=2024-Q4', { headers: { Cookie: clerkCookie } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<a href="/nop">Về trang của bạn</a>');
    expect((await t.app.request('/login', { method: 'POST', body: new URLSearchParams({ token: 'chiso_staff_forged' }) })).status).toBe(401);
  });

  it('keep a session id in the cookie, never the code; signing out ends it even if the cookie is replayed', async () => {
    const login = await t.app.request('/login', { method: 'POST', body: new URLSearchParams({ token: t.analyst, next: '/q' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toMatch(/^chiso_session=/);
    expect(login.headers.get('set-cookie')).not.toContain(t.analyst);
    const id = cookie.split('=')[1]!;
    expect(await readdirSafe(join(t.dir, 'state/sessions'))).not.toContain(`${id}.json`); // stored by hash only
    expect((await t.app.request('/q/links', { headers: { Cookie: cookie } })).status).toBe(200);
    const out = await t.app.request('/logout', { headers: { Cookie: cookie } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/chiso_session=;/);
    const replayed = await t.app.request('/q/links', { headers: { Cookie: cookie } });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toContain('/login');
    // The code itself in the cookie, as before sessions, opens nothing.
    expect((await t.app.request('/q/links', { headers: { Cookie: `chiso_token=${t.analyst}` } })).status).toBe(303);
  });

  it('end with their code: a revoked code is 401 and its open sessions stop at the next request', async () => {
    const tokens = createTokenStore(new FsObjectStore(t.dir));
    const code = await tokens.issue({ name: 'Anh Minh', role: 'analyst', unit: null });
    const cookie = (await t.app.request('/login', { method: 'POST', body: new URLSearchParams({ token: code, next: '/q' }) })).headers.get('set-cookie')!.split(';')[0]!;
    expect((await t.app.request('/q/links', { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await t.app.request('/api/links', { headers: t.auth(code) })).status).toBe(200);
    const id = (await tokens.list()).find((r) => r.name === 'Anh Minh')!.id;
    expect((await tokens.revoke(id))!.revoked_at).not.toBeNull();
    const api = await t.app.request('/api/links', { headers: t.auth(code) });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'TOKEN_REVOKED', message: expect.stringMatching(/thu hồi.*revoked/) });
    expect((await t.app.request('/q/links', { headers: { Cookie: cookie } })).status).toBe(303);
    const again = await t.app.request('/login', { method: 'POST', body: new URLSearchParams({ token: code }) });
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('thu hồi');
  });

  it('end at their expiry with a clear 401; the last use is recorded at most once an hour', async () => {
    const tokens = createTokenStore(new FsObjectStore(t.dir), { now: () => new Date('2025-06-15T00:00:00Z') });
    const code = await tokens.issue({ name: 'Chị Hoa', role: 'analyst', unit: null }, { expiresInDays: 2 });
    const mine = async () => (await tokens.list()).find((r) => r.name === 'Chị Hoa')!;
    expect((await mine()).expires_at).toBe('2025-06-17T00:00:00.000Z');
    expect((await mine()).last_used_at).toBeNull();
    expect((await t.app.request('/api/links', { headers: t.auth(code) })).status).toBe(200);
    const first = (await mine()).last_used_at;
    expect(first).not.toBeNull();
    t.advance(1800);
    expect((await t.app.request('/api/links', { headers: t.auth(code) })).status).toBe(200);
    expect((await mine()).last_used_at).toBe(first); // within the hour: not written again
    t.advance(3600);
    expect((await t.app.request('/api/links', { headers: t.auth(code) })).status).toBe(200);
    expect((await mine()).last_used_at).not.toBe(first); // an hour on: written again
    t.advance(2 * 86400);
    const expired = await t.app.request('/api/links', { headers: t.auth(code) });
    expect(expired.status).toBe(401);
    const { error } = (await expired.json()) as { error: { code: string; message_vi: string; message_en: string } };
    expect(error.code).toBe('TOKEN_EXPIRED');
    expect(error.message_vi).toContain('hết hạn ngày 2025-06-17');
    expect(error.message_en).toContain('expired on 2025-06-17');
  });
});

async function readdirSafe(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

describe('times on pages', () => {
  // Stored instants are UTC; the district reads its own clock (UTC+7). The demo's clock stands at
  // 2025-06-15T00:00Z, 07:00 in Vietnam: a link made then for 23 hours ends at 06:00 on the 16th
  // there, still the 15th in UTC.
  let fresh: Awaited<ReturnType<typeof demoApp>>;
  beforeAll(async () => { fresh = await demoApp(inject('demoLake')); }); // a clock no other test moved
  afterAll(async () => { await fresh.close(); });

  it('are shown in the units\' time zone: a link\'s making and expiry', async () => {
    const res = await makeLink({ query: 'unit_ranking', params: { period: '2024-Q4' }, expires_in: 23 * 3600 }, fresh.analyst, fresh);
    const { url, expires_at } = (await res.json()) as { url: string; expires_at: string };
    expect(expires_at).toBe('2025-06-15T23:00:00.000Z'); // the API keeps UTC, as data
    const page = await (await fresh.app.request(new URL(url).pathname)).text();
    expect(page).toContain('Liên kết do Chị Lan (Phòng VH-TT) chia sẻ, có hiệu lực đến 16/06/2025.');
    const list = await (await fresh.app.request('/q/links', { headers: fresh.auth(fresh.analyst) })).text();
    expect(list).toContain('<td data-label="Tạo lúc">15/06/2025 07:00</td><td data-label="Hết hạn">16/06/2025</td>');
  });

  it('are shown in the units\' time zone in a saved query\'s table', async () => {
    const range = 'from=2020-01-01&to=2025-06-15';
    const log = (await (await fresh.app.request(`/api/queries/submission_log?${range}`, { headers: fresh.auth(fresh.analyst) })).json()) as { submitted_at: string }[];
    const at = new Date(log[0]!.submitted_at);
    const ddmm = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 16)}`;
    const utc = ddmm(at.toISOString());
    const local = ddmm(new Date(at.getTime() + 7 * 3_600_000).toISOString());
    const page = await (await fresh.app.request(`/q/submission_log?${range}`, { headers: fresh.auth(fresh.analyst) })).text();
    expect(page).toContain(`>${local}</td>`);
    expect(page).not.toContain(`>${utc}</td>`);
  });
});
