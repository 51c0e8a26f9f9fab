import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import { spawnServer, type RunningServer } from '../helpers/spawnServer.ts';

/**
 * Single sign-on with the province's identity provider: a real OpenID provider (oidc-provider,
 * a certified implementation) on loopback, `npm start` beside it. The administrator sets the
 * issuer and client id on the settings page and writes a clerk's e-mail on her account; the
 * clerk signs in through the provider in chromium and lands on /nop; an e-mail with no account,
 * a callback with a wrong `state` and a code given to another application (another audience)
 * are refused.
 */
const SECRET = 'a-client-secret-long-enough-for-hs256-0123456789';
let browser: Browser;
let dir: string;
let server: RunningServer;
let idp: Server;
let issuer: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-oidc-'));
  [browser, server] = await Promise.all([launchChromium(), spawnServer(dir, { CHISO_DEMO: '0', CHISO_OIDC_CLIENT_SECRET: SECRET })]);
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as { port: number }).port}`;
  const provider = new Provider(issuer, {
    clients: [
      { client_id: 'chiso', client_secret: SECRET, redirect_uris: [`${server.base}/login/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] },
      // Another application of the province: what it is given must never sign anyone in to chiso.
      { client_id: 'other-app', client_secret: `${SECRET}-other`, redirect_uris: [`${server.base}/login/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // The person types their e-mail at the provider's (development) sign-in form: that is who they are.
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, email: sub, email_verified: true }) }),
    cookies: { keys: ['oidc-test-key'] },
  });
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
    await admin.fill('form[action="/quan-tri/cai-dat/oidc_issuer"] input[name=value]', issuer);
    await admin.click('form[action="/quan-tri/cai-dat/oidc_issuer"] button');
    await admin.waitForURL(/xong=cai-dat/);
    await admin.fill('form[action="/quan-tri/cai-dat/oidc_client_id"] input[name=value]', 'chiso');
    await admin.click('form[action="/quan-tri/cai-dat/oidc_client_id"] button');
    await admin.waitForURL(/xong=cai-dat/);
    await admin.goto(`${server.base}/quan-tri/tai-khoan`);
    await admin.selectOption('form[action="/quan-tri/tai-khoan"] select[name=role]', 'staff');
    await admin.selectOption('form[action="/quan-tri/tai-khoan"] select[name=unit]', { index: 1 });
    await admin.fill('form[action="/quan-tri/tai-khoan"] input[name=name]', 'Chị Lan');
    await admin.fill('form[action="/quan-tri/tai-khoan"] input[name=email]', 'lan@phutho.gov.vn');
    await admin.click('form[action="/quan-tri/tai-khoan"] button');
    await admin.waitForSelector('table.codes');
    await admin.close();

    const signInAs = async (email: string) => {
      const page = await browser.newPage();
      await page.goto(`${server.base}/login`);
      await page.click('p.sso a');
      await page.waitForURL((u) => u.href.startsWith(issuer));
      await page.fill('input[name=login]', email);
      await page.fill('input[name=password]', 'any');
      await page.click('button[type=submit]');
      // The provider asks to consent once for the client.
      await page.waitForLoadState();
      if (page.url().startsWith(issuer)) await page.click('button[type=submit]');
      return page;
    };
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
    await context.close();
  }, 180_000);
});
