import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { homePage } from '../domain/access/homePage.ts';
import type { TokenRecord } from '../domain/access/tokens.ts';
import type { TokenStatus } from '../services/accessStore.ts';
import { claimMapping, endProviderAccounts, mappedRole, providerAccount } from '../services/oidcAccounts.ts';
import { publicOrigin, type Env, type HttpDeps } from './context.ts';
import { langOf, renderPage, type Lang } from './pages/renderPages.ts';

/**
 * Sign-in with the province's identity provider (OpenID Connect, authorization code + PKCE), a
 * second way beside the codes. The provider says who; what they may do comes from the role (and
 * unit) its claims state, where the settings map a claim and allow that role (never admin), else
 * from the administrator's account with their e-mail. The flow's secrets (PKCE verifier, state,
 * nonce) wait in a short-lived cookie of their own; the session then is the same as a code's.
 */
const FLOW_COOKIE = 'chiso_oidc';
const SESSION_COOKIE = 'chiso_session';
const CALLBACK = '/login/oidc/callback';

type Deps = Pick<HttpDeps, 'settings' | 'access' | 'publicOrigin' | 'oidcSecret' | 'oidcSecretKeeper' | 'admin' | 'now' | 'today' | 'catalog' | 'store'>;

async function clientConfig(deps: Deps) {
  const [issuer, clientId] = [await deps.settings.value('oidc_issuer'), await deps.settings.value('oidc_client_id')];
  if (!issuer || !clientId) return null;
  // Secrets Manager on AWS, the data folder locally; the environment while neither has one.
  const secret = (await deps.oidcSecretKeeper?.value()) ?? deps.oidcSecret?.();
  if (!secret) return null;
  const oidc = await import('openid-client');
  const insecure = new URL(issuer).protocol === 'http:'; // allowed for loopback only (settingProblem)
  const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(secret), insecure ? { execute: [oidc.allowInsecureRequests] } : undefined);
  return { oidc, config };
}

const failed = (c: Context, lang: Lang, why: { vi: string; en: string }, status: 401 | 403 | 404 | 502 = 401) => c.html(renderPage({ lang, title: lang === 'vi' ? 'Đăng nhập' : 'Sign in', otherLangUrl: `/login?lang=${lang === 'vi' ? 'en' : 'vi'}` }, html`
<div class="notice" role="alert"><h1>${lang === 'vi' ? 'Chưa đăng nhập được qua tài khoản của tỉnh' : 'Sign-in through the province\'s account failed'}</h1><p>${why[lang]}</p>
<p><a href="/login${lang === 'en' ? '?lang=en' : ''}">${lang === 'vi' ? 'Đăng nhập bằng mã truy cập' : 'Sign in with a code'}</a></p></div>`), status);

/**
 * The account linked to a provider's e-mail: active, not suspended or expired; the newest first.
 * Found among the records (cached), then each match read fresh: a sign-in reads a few objects,
 * not every account's.
 */
async function accountFor(deps: Deps, email: string): Promise<TokenRecord | null> {
  if (!deps.admin) return null;
  const tokens = deps.admin.tokens;
  const now = deps.now().getTime();
  const wanted = email.trim().toLowerCase();
  const usable = (t: TokenStatus | null): t is TokenStatus => t !== null && t.email?.trim().toLowerCase() === wanted
    && !t.revoked_at && !t.deleted_at && !t.suspended_at && !(t.expires_at && Date.parse(t.expires_at) <= now);
  const candidates = (await tokens.records()).filter((t) => t.email?.trim().toLowerCase() === wanted);
  const matches = (await Promise.all(candidates.map((t) => tokens.status(t.id)))).filter(usable);
  // None among the cached records: an account made a moment ago in another process, perhaps.
  return matches.at(-1) ?? (await tokens.list()).filter(usable).at(-1) ?? null;
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
    let claims: Record<string, unknown> = {};
    let issuer = '';
    const mapping = await claimMapping(deps.settings);
    try {
      const current = new URL(`${publicOrigin(c, deps)}${CALLBACK}${new URL(c.req.url).search}`);
      const tokens = await client.oidc.authorizationCodeGrant(client.config, current, {
        pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw new Error('no ID token');
      // Many providers put the e-mail (and their own claims) in the ID token; others (conforming
      // ones) only at userinfo. What the signed ID token says comes first.
      const wanted = ['email', ...(mapping ? [mapping.roleClaim, mapping.unitClaim ?? ''] : [])].filter(Boolean);
      const info = wanted.every((k) => idToken[k] !== undefined) ? {} : await client.oidc.fetchUserInfo(client.config, tokens.access_token, idToken.sub);
      claims = { ...info, ...idToken };
      issuer = String(idToken.iss);
      if (claims.email_verified !== false && typeof claims.email === 'string') email = claims.email;
    } catch (error) {
      // A wrong state, a token for another audience, an expired one: refused, the cause logged.
      const inner = (error as { cause?: { message?: string } }).cause?.message; // e.g. which claim failed: never the claims' values
      console.warn('oidc refused:', (error as Error).message, (error as { code?: string }).code ?? '', inner ?? '');
      return failed(c, lang, { vi: 'Nhà cung cấp định danh trả về kết quả không hợp lệ; hãy đăng nhập lại.', en: 'The identity provider\'s answer was not valid; sign in again.' });
    }
    // The provider's role claim first (it vouches for the person today), then the e-mail link.
    const units = new Map(deps.catalog.catalog.units.map((u) => [u.code, u]));
    const today = deps.today();
    const granted = mapping ? mappedRole(claims, mapping, (code) => {
      const u = units.get(code);
      return u && (!u.validFrom || u.validFrom <= today) && (!u.validTo || u.validTo >= today) ? u : null;
    }) : null;
    let record: TokenRecord | null = null;
    let refusal: { vi: string; en: string } | null = granted && 'refused' in granted ? granted.refused : null;
    if (granted && 'role' in granted && deps.admin) {
      const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : email ?? String(claims.sub);
      const account = await providerAccount({ tokens: deps.admin.tokens, store: deps.store, now: deps.now }, { issuer, sub: String(claims.sub), name, email: email ?? null, ...granted });
      if ('refused' in account) refusal = account.refused;
      else record = account;
    }
    if (!record && !(granted && 'role' in granted)) {
      // No role granted any more: what the claims once made ends first, then the e-mail link decides.
      if (mapping && deps.admin) await endProviderAccounts({ tokens: deps.admin.tokens, store: deps.store }, issuer, String(claims.sub));
      record = email ? await accountFor(deps, email) : null;
    }
    if (!record && refusal) return failed(c, lang, refusal, 403);
    if (!record) return failed(c, lang, { vi: `Không có tài khoản chiso nào gắn với e-mail ${email ?? '(không có)'}; hãy nhờ quản trị viên ghi e-mail này vào tài khoản của bạn.`, en: `No chiso account is linked to ${email ?? '(no e-mail)'}; ask the administrator to add it to your account.` }, 401);
    const session = await deps.access.openSession(record);
    setCookie(c, SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'Strict', path: '/', secure: new URL(c.req.url).protocol === 'https:', maxAge: session.maxAgeSeconds });
    const home = homePage(record.role, (await deps.settings.approval()).required);
    // A page, not a redirect: the Strict session cookie is sent on a navigation this site starts,
    // never on the tail of the provider's cross-site redirect.
    const page = String(await renderPage({ lang, title: lang === 'vi' ? 'Đã đăng nhập' : 'Signed in', otherLangUrl: home }, html`
<div class="notice" role="status"><h1>${lang === 'vi' ? 'Đã đăng nhập' : 'Signed in'}</h1><p><a class="continue" href="${home}">${lang === 'vi' ? 'Tiếp tục' : 'Continue'}</a></p></div>`));
    return c.html(page.replace('<head>', `<head>\n<meta http-equiv="refresh" content="0;url=${home}">`));
  });
}
