import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { TokenRecord } from '../domain/access/tokens.ts';
import { publicOrigin, type Env, type HttpDeps } from './context.ts';
import { langOf, renderPage, type Lang } from './pages/renderPages.ts';

/**
 * Sign-in with the province's identity provider (OpenID Connect, authorization code + PKCE), a
 * second way beside the codes: the provider says who (its e-mail claim), the administrator's
 * account with that e-mail says what they may do. The flow's secrets (PKCE verifier, state,
 * nonce) wait in a short-lived cookie of their own; the session then is the same as a code's.
 */
const FLOW_COOKIE = 'chiso_oidc';
const SESSION_COOKIE = 'chiso_session';
const CALLBACK = '/login/oidc/callback';

type Deps = Pick<HttpDeps, 'settings' | 'access' | 'publicOrigin' | 'oidcSecret' | 'admin' | 'now'>;

async function clientConfig(deps: Deps) {
  const [issuer, clientId, secret] = [await deps.settings.value('oidc_issuer'), await deps.settings.value('oidc_client_id'), deps.oidcSecret?.()];
  if (!issuer || !clientId || !secret) return null;
  const oidc = await import('openid-client');
  const insecure = new URL(issuer).protocol === 'http:'; // allowed for loopback only (settingProblem)
  const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(secret), insecure ? { execute: [oidc.allowInsecureRequests] } : undefined);
  return { oidc, config };
}

const failed = (c: Context, lang: Lang, why: { vi: string; en: string }, status: 401 | 404 | 502 = 401) => c.html(renderPage({ lang, title: lang === 'vi' ? 'Đăng nhập' : 'Sign in', otherLangUrl: `/login?lang=${lang === 'vi' ? 'en' : 'vi'}` }, html`
<div class="notice" role="alert"><h1>${lang === 'vi' ? 'Chưa đăng nhập được qua tài khoản của tỉnh' : 'Sign-in through the province\'s account failed'}</h1><p>${why[lang]}</p>
<p><a href="/login${lang === 'en' ? '?lang=en' : ''}">${lang === 'vi' ? 'Đăng nhập bằng mã truy cập' : 'Sign in with a code'}</a></p></div>`), status);

/** The account linked to a provider's e-mail: active, not suspended or expired; the newest first. */
async function accountFor(deps: Deps, email: string): Promise<TokenRecord | null> {
  if (!deps.admin) return null;
  const now = deps.now().getTime();
  const wanted = email.trim().toLowerCase();
  const matches = (await deps.admin.tokens.list()).filter((t) => t.email?.trim().toLowerCase() === wanted
    && !t.revoked_at && !t.deleted_at && !t.suspended_at && !(t.expires_at && Date.parse(t.expires_at) <= now));
  return matches.at(-1) ?? null;
}

export function registerOidcRoutes(app: Hono<Env>, deps: Deps): void {
  app.get('/login/oidc', async (c) => {
    const lang = langOf(c);
    const client = await clientConfig(deps).catch((error) => {
      console.error('oidc discovery:', (error as Error).message);
      return undefined;
    });
    if (client === null) return failed(c, lang, { vi: 'Tỉnh chưa bật đăng nhập một lần.', en: 'Single sign-on is not set up.' }, 404);
    if (!client) return failed(c, lang, { vi: 'Không liên lạc được với nhà cung cấp định danh; hãy thử lại sau hoặc dùng mã truy cập.', en: 'The identity provider could not be reached; try again later or use a code.' }, 502);
    const { oidc, config } = client;
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    // Lax: the provider's redirect back is a cross-site navigation, which a Strict cookie would miss.
    setCookie(c, FLOW_COOKIE, Buffer.from(JSON.stringify({ verifier, state, nonce, lang })).toString('base64url'), {
      httpOnly: true, sameSite: 'Lax', path: '/login/oidc', maxAge: 600, secure: new URL(c.req.url).protocol === 'https:',
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${publicOrigin(c, deps)}${CALLBACK}`, scope: 'openid email', state, nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    return c.redirect(url.href, 302);
  });

  app.get(CALLBACK, async (c) => {
    let flow: { verifier: string; state: string; nonce: string; lang: Lang } | null = null;
    try {
      flow = JSON.parse(Buffer.from(getCookie(c, FLOW_COOKIE) ?? '', 'base64url').toString('utf8'));
    } catch { /* below */ }
    deleteCookie(c, FLOW_COOKIE, { path: '/login/oidc' });
    const lang = flow?.lang === 'en' ? 'en' : 'vi';
    if (!flow?.verifier) return failed(c, lang, { vi: 'Phiên đăng nhập đã hết hạn hoặc không bắt đầu từ trang này; hãy bấm đăng nhập lại.', en: 'The sign-in expired or did not start here; start it again.' });
    const client = await clientConfig(deps).catch(() => null);
    if (!client) return failed(c, lang, { vi: 'Tỉnh chưa bật đăng nhập một lần.', en: 'Single sign-on is not set up.' }, 404);
    let email: string | undefined;
    try {
      const current = new URL(`${publicOrigin(c, deps)}${CALLBACK}${new URL(c.req.url).search}`);
      const tokens = await client.oidc.authorizationCodeGrant(client.config, current, {
        pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('no ID token');
      // Many providers put the e-mail in the ID token; others (conforming ones) only at userinfo.
      const info = typeof claims.email === 'string' ? claims : await client.oidc.fetchUserInfo(client.config, tokens.access_token, claims.sub);
      if (info.email_verified !== false && typeof info.email === 'string') email = info.email;
    } catch (error) {
      // A wrong state, a token for another audience, an expired one: refused, the cause logged.
      console.warn('oidc refused:', (error as Error).message);
      return failed(c, lang, { vi: 'Nhà cung cấp định danh trả về kết quả không hợp lệ; hãy đăng nhập lại.', en: 'The identity provider\'s answer was not valid; sign in again.' });
    }
    const record = email ? await accountFor(deps, email) : null;
    if (!record) return failed(c, lang, { vi: `Không có tài khoản chiso nào gắn với e-mail ${email ?? '(không có)'}; hãy nhờ quản trị viên ghi e-mail này vào tài khoản của bạn.`, en: `No chiso account is linked to ${email ?? '(no e-mail)'}; ask the administrator to add it to your account.` }, 401);
    const session = await deps.access.openSession(record);
    setCookie(c, SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'Strict', path: '/', secure: new URL(c.req.url).protocol === 'https:', maxAge: session.maxAgeSeconds });
    const home = record.role === 'analyst' ? '/q' : record.role === 'admin' ? '/quan-tri' : record.role === 'head' && (await deps.settings.approval()).required ? '/duyet' : '/nop';
    // A page, not a redirect: the Strict session cookie is sent on a navigation this site starts,
    // never on the tail of the provider's cross-site redirect.
    const page = String(await renderPage({ lang, title: lang === 'vi' ? 'Đã đăng nhập' : 'Signed in', otherLangUrl: home }, html`
<div class="notice" role="status"><h1>${lang === 'vi' ? 'Đã đăng nhập' : 'Signed in'}</h1><p><a class="continue" href="${home}">${lang === 'vi' ? 'Tiếp tục' : 'Continue'}</a></p></div>`));
    return c.html(page.replace('<head>', `<head>\n<meta http-equiv="refresh" content="0;url=${home}">`));
  });
}
