import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readdir, readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import { spawnServer, type RunningServer } from '../helpers/spawnServer.ts';

/**
 * Single sign-on with the province's identity provider: a real OpenID provider (oidc-provider,
 * a certified implementation) on loopback, `npm start` beside it. The administrator sets the
 * issuer, client id and secret (kept in the data folder, never in the settings) on the settings
 * page and writes a clerk's e-mail on her account; the clerk signs in through the provider in
 * chromium and lands on /nop; an e-mail with no account, a callback with a wrong `state`, a code
 * given to another application (another audience) and an expired ID token are refused. Then the
 * provider's role and unit claims are mapped: an analyst lands on /q, a clerk of a unit on /nop
 * (an account made for her, listed under her unit), a claimed admin is refused.
 */
const SECRET = 'a-client-secret-long-enough-for-hs256-0123456789';
let browser: Browser;
let dir: string;
let server: RunningServer;
let idp: Server;
let issuer: string;
let expiredIdTokens = false;
/** What the provider says of some people: their role and unit in chiso (a Keycloak mapper's claims). */
const GRANTS: Record<string, Record<string, string>> = {
  'chuyenvien@phutho.gov.vn': { chiso_role: 'analyst' },
  'canbo@yenlac.phutho.gov.vn': { chiso_role: 'staff', chiso_unit: 'xa-yen-lac' },
  'ke-gian@phutho.gov.vn': { chiso_role: 'admin' },
  // Phòng Nội vụ ceased with the district level on 1/7/2025 (registry-events.csv).
  'lac-don-vi@phutho.gov.vn': { chiso_role: 'staff', chiso_unit: 'phong-noi-vu' },
};
/** A fresh page through the provider's sign-in (any password) to wherever chiso lands it; consents once for the client when asked. */
async function signInAs(email: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${server.base}/login`);
  await page.click('p.sso a');
  await page.waitForURL((u) => u.href.startsWith(issuer));
  await page.fill('input[name=login]', email);
  await page.fill('input[name=password]', 'any');
  await page.click('button[type=submit]');
  await page.waitForLoadState();
  if (page.url().startsWith(issuer)) await page.click('button[type=submit]');
  return page;
}

const setting = async (page: Page, key: string, value: string) => {
  await page.fill(`form[action="/quan-tri/cai-dat/${key}"] input[name=value]`, value);
  await page.click(`form[action="/quan-tri/cai-dat/${key}"] button`);
  await page.waitForURL(/xong=cai-dat/);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-oidc-'));
  [browser, server] = await Promise.all([launchChromium(), spawnServer(dir, { CHISO_DEMO: '0' })]);
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as { port: number }).port}`;
  const provider = new Provider(issuer, {
    clients: [
      { client_id: 'chiso', client_secret: SECRET, redirect_uris: [`${server.base}/login/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] },
      // Another application of the province: what it is given must never sign anyone in to chiso.
      { client_id: 'other-app', client_secret: `${SECRET}-other`, redirect_uris: [`${server.base}/login/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] },
    ],
    // The province's own claims, as a Keycloak mapper adds them (given at userinfo here).
    claims: { openid: ['sub', 'chiso_role', 'chiso_unit'], email: ['email', 'email_verified'] },
    // The person types their e-mail at the provider's (development) sign-in form: that is who they are.
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, email: sub, email_verified: true, ...GRANTS[sub] }) }),
    cookies: { keys: ['oidc-test-key'] },
  });
  // A provider whose clock runs ten minutes behind, when asked: its ID tokens arrive expired.
  const idTokens = (provider as unknown as { IdToken: { prototype: { issue: (o?: { use?: string; expiresAt?: number | null }) => Promise<string> } } }).IdToken.prototype;
  const issue = idTokens.issue;
  idTokens.issue = function (this: unknown, options) {
    return issue.call(this, expiredIdTokens && options?.use === 'idtoken' ? { ...options, expiresAt: Math.floor(Date.now() / 1000) - 600 } : options);
  };
  idp.on('request', provider.callback());
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => idp?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('sign-in with the province\'s identity provider', () => {
  it('signs a linked clerk in through the provider, and refuses an unlinked e-mail, a wrong state and another application\'s code', async () => {
    const adminCode = /admin code: (\S+)/.exec(server.output())![1]!;
    const admin = await browser.newPage();
    await admin.goto(`${server.base}/login`);
    expect(await admin.locator('p.sso').count()).toBe(0); // off until set up
    await admin.fill('input[name=token]', adminCode);
    await admin.click('form.login button[type=submit]');
    await admin.waitForURL(`${server.base}/quan-tri`);
    await admin.goto(`${server.base}/quan-tri/cai-dat`);
    await setting(admin, 'oidc_issuer', issuer);
    await setting(admin, 'oidc_client_id', 'chiso');
    // The secret, locally, goes to the data folder: not a setting, not in the history or the audit log.
    expect(await admin.locator('form[action="/quan-tri/cai-dat/oidc_client_secret_ref"]').count()).toBe(0);
    await admin.fill('form[action="/quan-tri/cai-dat/oidc-secret"] input[name=secret]', SECRET);
    await admin.click('form[action="/quan-tri/cai-dat/oidc-secret"] button');
    await admin.waitForURL(/xong=cai-dat/);
    expect(await admin.content()).not.toContain(SECRET);
    await admin.goto(`${server.base}/quan-tri/nhat-ky`);
    const audit = await admin.content();
    expect(audit).toContain('oidc_client_secret');
    expect(audit).not.toContain(SECRET);
    await admin.goto(`${server.base}/quan-tri/tai-khoan`);
    await admin.selectOption('form[action="/quan-tri/tai-khoan"] select[name=role]', 'staff');
    await admin.selectOption('form[action="/quan-tri/tai-khoan"] select[name=unit]', { index: 1 });
    await admin.fill('form[action="/quan-tri/tai-khoan"] input[name=name]', 'Chị Lan');
    await admin.fill('form[action="/quan-tri/tai-khoan"] input[name=email]', 'lan@phutho.gov.vn');
    await admin.click('form[action="/quan-tri/tai-khoan"] button');
    await admin.waitForSelector('table.codes');
    await admin.close();

    const clerk = await signInAs('lan@phutho.gov.vn');
    await clerk.waitForURL(`${server.base}/nop`);
    expect(await clerk.locator('h1').first().innerText()).not.toContain('Đăng nhập');
    await clerk.click('a.sign-out');
    await clerk.waitForURL(/\/login$/);
    await clerk.close();

    const stranger = await signInAs('nguoi-la@example.vn');
    await stranger.waitForURL(/\/login\/oidc\/callback/);
    expect(await stranger.locator('[role=alert]').innerText()).toContain('Không có tài khoản chiso nào gắn với e-mail nguoi-la@example.vn');
    await stranger.goto(`${server.base}/nop`);
    expect(stranger.url()).toMatch(/\/login\?next=%2Fnop$/);

    await stranger.close();

    // A flow started here (a fresh browser, at the provider's sign-in form), answered with another state: refused.
    const context = await browser.newContext();
    const forged = await context.newPage();
    await forged.goto(`${server.base}/login/oidc`);
    await forged.waitForURL((u) => u.href.startsWith(issuer));
    const answer = await forged.goto(`${server.base}/login/oidc/callback?code=forged&state=not-the-one&iss=${encodeURIComponent(issuer)}`);
    expect(answer?.status()).toBe(401);
    expect(await forged.locator('[role=alert]').innerText()).toContain('không hợp lệ');
    // The same flow answered with a code the provider gave another application (its audience): refused.
    await forged.goto(`${server.base}/login/oidc`);
    await forged.waitForURL((u) => u.href.startsWith(issuer));
    const flow = JSON.parse(Buffer.from((await context.cookies()).find((c) => c.name === 'chiso_oidc')!.value, 'base64url').toString()) as { verifier: string; state: string; nonce: string };
    const other = new URL(`${issuer}/auth`);
    for (const [k, v] of Object.entries({
      client_id: 'other-app', redirect_uri: `${server.base}/login/oidc/callback`, response_type: 'code', scope: 'openid email', state: flow.state, nonce: flow.nonce,
      code_challenge: createHash('sha256').update(flow.verifier).digest('base64url'), code_challenge_method: 'S256',
    })) other.searchParams.set(k, v);
    await forged.goto(other.href);
    await forged.fill('input[name=login]', 'lan@phutho.gov.vn');
    await forged.fill('input[name=password]', 'any');
    await forged.click('button[type=submit]');
    await forged.waitForLoadState();
    if (forged.url().startsWith(issuer)) await forged.click('button[type=submit]');
    await forged.waitForURL(/\/login\/oidc\/callback/);
    expect(await forged.locator('[role=alert]').innerText()).toContain('không hợp lệ');
    await forged.goto(`${server.base}/nop`);
    expect(forged.url()).toMatch(/\/login\?next=%2Fnop$/);
    // And without a flow of its own (a link from elsewhere): refused too.
    expect((await forged.goto(`${server.base}/login/oidc/callback?code=forged&state=x`))?.status()).toBe(401);
    // An ID token past its expiry (the provider's clock behind): refused, for that reason.
    expiredIdTokens = true;
    const late = await signInAs('lan@phutho.gov.vn');
    await late.waitForURL(/\/login\/oidc\/callback/);
    expiredIdTokens = false;
    expect(await late.locator('[role=alert]').innerText()).toContain('không hợp lệ');
    expect(server.output()).toMatch(/oidc refused: .*"exp" \(expiration time\) claim value, expiration is past/);
    await late.goto(`${server.base}/nop`);
    expect(late.url()).toMatch(/\/login\?next=%2Fnop$/);
    await late.close();
    await context.close();

    // The secret is in the data folder once, and nowhere else (not in the settings' lake files).
    const holding: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        const path = join(d, e.name);
        if (e.isDirectory()) await walk(path);
        else if ((await readFile(path)).includes(SECRET)) holding.push(path.slice(dir.length + 1));
      }
    };
    await walk(dir);
    expect(holding).toEqual(['state/oidc-client-secret']);
  }, 180_000);

  it('maps the provider\'s role and unit claims: each lands on the page for the role; admin and unknown units refused', async () => {
    const adminCode = /admin code: (\S+)/.exec(server.output())![1]!;
    const admin = await browser.newPage();
    await admin.goto(`${server.base}/login`);
    await admin.fill('input[name=token]', adminCode);
    await admin.click('form.login button[type=submit]');
    await admin.waitForURL(`${server.base}/quan-tri`);
    await admin.goto(`${server.base}/quan-tri/cai-dat`);
    await setting(admin, 'oidc_role_claim', 'chiso_role');
    await setting(admin, 'oidc_unit_claim', 'chiso_unit');
    // admin cannot be allowed: refused with the reason.
    await admin.fill('form[action="/quan-tri/cai-dat/oidc_roles"] input[name=value]', 'staff, admin');
    await admin.click('form[action="/quan-tri/cai-dat/oidc_roles"] button');
    expect(await admin.content()).toContain('không bao giờ admin');
    await setting(admin, 'oidc_roles', 'staff, head, analyst');

    const analyst = await signInAs('chuyenvien@phutho.gov.vn');
    await analyst.waitForURL(`${server.base}/q`);
    await analyst.close();
    const clerk = await signInAs('canbo@yenlac.phutho.gov.vn');
    await clerk.waitForURL(`${server.base}/nop`);
    expect(await clerk.content()).toContain('Xã Yên Lạc');
    await clerk.close();
    // Signing in again uses the same account, not a second one.
    const again = await signInAs('canbo@yenlac.phutho.gov.vn');
    await again.waitForURL(`${server.base}/nop`);
    await again.close();
    await admin.goto(`${server.base}/quan-tri/tai-khoan`);
    const yenLac = admin.locator('section.admin-group', { has: admin.locator('h3', { hasText: 'Xã Yên Lạc' }) });
    expect(await yenLac.locator('tr[data-account]', { hasText: 'canbo@yenlac.phutho.gov.vn' }).count()).toBe(1);

    for (const [email, words] of [['ke-gian@phutho.gov.vn', 'Vai trò admin'], ['lac-don-vi@phutho.gov.vn', 'không có trong danh mục']] as const) {
      const page = await signInAs(email);
      await page.waitForURL(/\/login\/oidc\/callback/);
      expect(await page.locator('[role=alert]').innerText()).toContain(words);
      await page.goto(`${server.base}/quan-tri`);
      expect(page.url()).toMatch(/\/login\?next=%2Fquan-tri$/);
      await page.close();
    }
    await admin.close();
  }, 180_000);
});
