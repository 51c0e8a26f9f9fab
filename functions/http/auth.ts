import type { Context, Hono, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { verifyToken, type Principal } from '../domain/access/tokens.ts';
import { problem, sameOrigin, type Env, type HttpDeps } from './context.ts';
import { langOf, renderPage, type Lang } from './pages/renderPages.ts';

/** The one place a request becomes a principal: a bearer token, or the cookie /login set. */
const COOKIE = 'chiso_token';

const bearerOf = (c: Context) => /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];

/** /api/*: a bearer token is required; its principal is set on the context. */
export function requireBearer(deps: Pick<HttpDeps, 'tokens'>): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (c.req.path === '/api/openapi.json') return next();
    const token = bearerOf(c);
    const principal = token ? verifyToken(token, await deps.tokens()) : null;
    if (!principal) {
      c.header('WWW-Authenticate', 'Bearer realm="chiso"');
      return problem(c, { status: 401, code: 'UNAUTHORIZED', vi: 'Cần mã truy cập (Authorization: Bearer …)', en: 'A bearer token is required' });
    }
    c.set('principal', principal);
    return next();
  };
}

/** A 403 unless the principal is an analyst (null when allowed). */
export const analystsOnly = (c: Context<Env>) =>
  c.get('principal').role === 'analyst'
    ? null
    : problem(c, { status: 403, code: 'FORBIDDEN', vi: 'Tài khoản này không được xem truy vấn', en: 'This account may not run queries' });

/** Whoever is behind a page: by bearer header or the sign-in cookie; null otherwise. */
export async function pagePrincipal(c: Context, deps: Pick<HttpDeps, 'tokens'>): Promise<Principal | null> {
  const token = bearerOf(c) ?? getCookie(c, COOKIE);
  return token ? verifyToken(token, await deps.tokens()) : null;
}

/** An analyst behind a page; null otherwise. */
export async function pageAnalyst(c: Context, deps: Pick<HttpDeps, 'tokens'>): Promise<Principal | null> {
  const principal = await pagePrincipal(c, deps);
  return principal?.role === 'analyst' ? principal : null;
}

const loginPage = (lang: Lang, next: string, failed = false) => renderPage({ lang, title: 'Đăng nhập / Sign in', otherLangUrl: `/login?lang=${lang === 'vi' ? 'en' : 'vi'}` }, html`
<div class="notice"><h1>${lang === 'vi' ? 'Đăng nhập bằng mã truy cập' : 'Sign in with your token'}</h1>
${failed ? html`<p role="alert">${lang === 'vi' ? 'Mã không đúng.' : 'Wrong token.'}</p>` : ''}
<form class="login" method="post" action="/login"><input type="hidden" name="next" value="${next}">
<label>${lang === 'vi' ? 'Mã truy cập' : 'Token'}<input type="password" name="token" autocomplete="off" required></label>
<button type="submit">${lang === 'vi' ? 'Đăng nhập' : 'Sign in'}</button></form></div>`);

/** Where to go after signing in: a page of this app under /q or /nop, nothing else (no other host, no header break). */
function safeNext(next: string): string | null {
  return /^\/(q|nop)(\/|\?|$)/.test(next) && !/[\u0000-\u001f\u007f\\]/.test(next) && !next.startsWith('//') ? next : null;
}

/** /login and /logout: the token in an HttpOnly, SameSite=Strict cookie. */
export function registerLoginRoutes(app: Hono<Env>, deps: Pick<HttpDeps, 'tokens' | 'publicOrigin'>): void {
  app.get('/login', (c) => c.html(loginPage(langOf(c), safeNext(c.req.query('next') ?? '') ?? '')));

  app.post('/login', async (c) => {
    if (!sameOrigin(c, deps)) return c.text('', 403);
    const form = await c.req.parseBody();
    const token = String(form.token ?? '');
    const asked = safeNext(String(form.next ?? ''));
    const principal = verifyToken(token, await deps.tokens());
    if (!principal) return c.html(loginPage('vi', asked ?? '', true), 401);
    // Analysts go to their queries, a unit's staff to its report pages.
    const home = principal.role === 'analyst' ? '/q' : principal.role === 'head' ? '/duyet' : '/nop';
    const next = asked && asked.startsWith(home) ? asked : home;
    setCookie(c, COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', secure: new URL(c.req.url).protocol === 'https:', maxAge: 7 * 24 * 3600 });
    return c.redirect(next, 303);
  });

  app.get('/logout', (c) => {
    deleteCookie(c, COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });
}
