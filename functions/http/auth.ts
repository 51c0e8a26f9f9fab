import type { Context, Hono, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { homePage } from '../domain/access/homePage.ts';
import { codePrefix, createRateLimiter, SIGN_IN_LIMITS } from '../domain/access/rateLimit.ts';
import type { Principal, TokenCheck } from '../domain/access/tokens.ts';
import { clientAddress, problem, sameOrigin, type Env, type HttpDeps } from './context.ts';
import { langOf, renderNotice, renderPage, type Lang } from './pages/renderPages.ts';

/**
 * The one place a request becomes a principal: a bearer token, or the session /login opened.
 * The cookie holds a random session id, never the code: signing out deletes the session, so the
 * cookie opens nothing even if replayed; and each request checks the code behind it, so revoking
 * or expiring the code ends its sessions too.
 */
const SESSION_COOKIE = 'chiso_session';
/** Held the raw code before sessions: never read now, cleared at sign-in and sign-out. */
const OLD_COOKIE = 'chiso_token';

const bearerOf = (c: Context) => /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];

/** Why a code was refused, in both languages. */
function refusal(check: TokenCheck): { code: string; vi: string; en: string } {
  if (check.kind === 'expired') {
    const day = (check.record.expires_at ?? '').slice(0, 10);
    return { code: 'TOKEN_EXPIRED', vi: `Mã truy cập đã hết hạn ngày ${day}; hãy xin mã mới`, en: `The token expired on ${day}; ask for a new one` };
  }
  if (check.kind === 'revoked') return { code: 'TOKEN_REVOKED', vi: 'Mã truy cập đã bị thu hồi; hãy xin mã mới', en: 'The token has been revoked; ask for a new one' };
  if (check.kind === 'suspended') return { code: 'ACCOUNT_SUSPENDED', vi: 'Tài khoản đang bị tạm khoá; hãy liên hệ quản trị viên', en: 'The account is suspended; contact the administrator' };
  return { code: 'UNAUTHORIZED', vi: 'Cần mã truy cập (Authorization: Bearer …)', en: 'A bearer token is required' };
}

/** /api/*: a bearer token is required; its principal is set on the context. */
export function requireBearer(deps: Pick<HttpDeps, 'access'>): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (c.req.path === '/api/openapi.json') return next();
    const token = bearerOf(c);
    const check: TokenCheck = token ? await deps.access.token(token) : { kind: 'unknown' };
    if (check.kind !== 'valid') {
      c.header('WWW-Authenticate', 'Bearer realm="chiso"');
      return problem(c, { status: 401, ...refusal(check) });
    }
    c.set('principal', check.principal);
    if (check.principal.role === 'machine') {
      const fenced = machineFence(c.req.method, c.req.path);
      if (fenced) return problem(c, { status: 403, ...fenced });
    }
    return next();
  };
}

/** What a machine account may ask of the API: reads of shared data and of its saved queries. */
const MACHINE_PATHS = /^\/api\/(data|queries)(\/|$)/;

/** Why a machine account's request is refused before any route (null: let the route judge its scope). */
function machineFence(method: string, path: string): { code: string; vi: string; en: string } | null {
  if (method !== 'GET' && method !== 'HEAD') return { code: 'READ_ONLY', vi: 'Tài khoản máy chỉ được đọc dữ liệu, không được gửi hay thay đổi gì', en: 'A machine account may only read: it may not send or change anything' };
  if (!MACHINE_PATHS.test(path)) return { code: 'FORBIDDEN', vi: 'Tài khoản máy chỉ đọc được /api/data và /api/queries trong phạm vi của mình', en: 'A machine account may read only /api/data and /api/queries within its scope' };
  return null;
}

/**
 * Everything but the API (pages, leaders' links, sign-in): refused to a machine account's bearer
 * code, which opens no page. A machine never has a session: /login refuses it.
 */
export function refuseMachineOutsideApi(deps: Pick<HttpDeps, 'access'>): MiddlewareHandler<Env> {
  return async (c, next) => {
    const token = c.req.path.startsWith('/api/') || c.req.path === '/health' ? undefined : bearerOf(c);
    if (token) {
      const check = await deps.access.token(token);
      if (check.kind === 'valid' && check.principal.role === 'machine') {
        return problem(c, { status: 403, code: 'FORBIDDEN', vi: 'Tài khoản máy không mở được trang hay liên kết nào; hãy dùng /api/data', en: 'A machine account opens no page or link; use /api/data' });
      }
    }
    return next();
  };
}

/** A 403 unless the principal is an analyst (null when allowed). */
export const analystsOnly = (c: Context<Env>) =>
  c.get('principal').role === 'analyst'
    ? null
    : problem(c, { status: 403, code: 'FORBIDDEN', vi: 'Tài khoản này không được xem truy vấn', en: 'This account may not run queries' });

/** Whoever is behind a page: by bearer header or the sign-in session; null otherwise. */
export async function pagePrincipal(c: Context, deps: Pick<HttpDeps, 'access'>): Promise<Principal | null> {
  const token = bearerOf(c);
  const session = token ? undefined : getCookie(c, SESSION_COOKIE);
  const check = token ? await deps.access.token(token) : session ? await deps.access.session(session) : null;
  return check?.kind === 'valid' ? check.principal : null;
}

/** Where this signed-in person starts (a head: /duyet while approval is asked for). */
export async function homeOf(who: Principal, deps: Pick<HttpDeps, 'settings'>): Promise<string> {
  return homePage(who.role, (await deps.settings.approval()).required);
}

/** 403 for a signed-in person on a page meant for someone else: who it is for, and the way back to their own page. */
export async function notForYou(c: Context, deps: Pick<HttpDeps, 'settings'>, who: Principal, title: string, message: string): Promise<Response> {
  return c.html(renderNotice(langOf(c), title, message, await homeOf(who, deps)), 403);
}

/**
 * The analyst behind an analyst's page, or the answer for anyone else: the sign-in page for
 * nobody signed in, a refusal with the way back for a clerk, head, appraiser or administrator.
 */
export async function analystOrAnswer(c: Context, deps: Pick<HttpDeps, 'access' | 'settings'>, next: string): Promise<Principal | Response> {
  const who = await pagePrincipal(c, deps);
  if (!who) return c.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
  if (who.role === 'analyst') return who;
  const lang = langOf(c);
  return notForYou(c, deps, who, lang === 'vi' ? 'Trang của chuyên viên phân tích' : 'An analyst\'s page',
    lang === 'vi' ? 'Trang này dành cho chuyên viên phân tích số liệu; tài khoản của bạn không mở được trang này.' : 'This page is for the data analysts; your account does not open it.');
}

/** An analyst behind a page; null otherwise. */
export async function pageAnalyst(c: Context, deps: Pick<HttpDeps, 'access'>): Promise<Principal | null> {
  const principal = await pagePrincipal(c, deps);
  return principal?.role === 'analyst' ? principal : null;
}

/** A session the server ended (code re-issued, account suspended, idle or too old) whose cookie the browser still sent. */
type Ended = { kind: 'ended'; check: TokenCheck };
const endedText = (lang: Lang, check: TokenCheck) => {
  const why = check.kind === 'unknown' || check.kind === 'valid' ? null : refusal(check)[lang];
  return lang === 'vi'
    ? `Phiên làm việc trước của bạn đã kết thúc${why ? `: ${why.charAt(0).toLowerCase()}${why.slice(1)}` : ' (mã đã được cấp lại, tài khoản bị tạm khoá, hoặc lâu không dùng)'}. Hãy đăng nhập lại; nếu mã cũ không còn dùng được, hãy xin mã mới từ người đã cấp.`
    : `Your previous session has ended${why ? `: ${why.charAt(0).toLowerCase()}${why.slice(1)}` : ' (the code was re-issued, the account suspended, or it was idle too long)'}. Sign in again; if your old code no longer works, ask whoever gave it for a new one.`;
};

const loginPage = (lang: Lang, next: string, failed?: TokenCheck | { kind: 'limited'; seconds: number } | Ended, code = '', sso = false) => renderPage({ lang, title: 'Đăng nhập / Sign in', otherLangUrl: `/login?lang=${lang === 'vi' ? 'en' : 'vi'}` }, html`
<div class="notice"><h1>${lang === 'vi' ? 'Đăng nhập bằng mã truy cập' : 'Sign in with your token'}</h1>
${failed ? html`<p role="alert">${failed.kind === 'limited' ? limitedText(lang, failed.seconds) : failed.kind === 'ended' ? endedText(lang, failed.check) : failed.kind === 'unknown' ? (lang === 'vi' ? 'Mã không đúng.' : 'Wrong token.') : `${refusal(failed)[lang]}.`}</p>` : ''}
${code ? html`<p>${lang === 'vi' ? 'Mã của bạn đã được điền sẵn từ phiếu: bấm "Đăng nhập".' : 'Your code was filled in from your sheet: press "Sign in".'}</p>` : ''}
<form class="login" method="post" action="/login"><input type="hidden" name="next" value="${next}">
<label for="token">${lang === 'vi' ? 'Mã truy cập' : 'Token'}</label>
<p class="hint" id="token-hint">${lang === 'vi'
    ? 'Mã do chuyên viên chuyển đổi số của tỉnh cấp cho từng cán bộ (qua thư hoặc tin nhắn); mã bắt đầu bằng chiso_staff_ (lãnh đạo đơn vị: chiso_head_). Hãy sao chép và dán nguyên mã, không gõ lại.'
    : 'The code is given to each person by the province\'s digital-transformation officer (by e-mail or message); it starts with chiso_staff_ (a unit\'s head: chiso_head_). Copy and paste it whole rather than typing it.'}</p>
<input type="password" id="token" name="token" value="${code}" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="token-hint" required>
<details class="hint"><summary>${lang === 'vi' ? 'Không thấy được mã đã nhập?' : 'Cannot see what you typed?'}</summary><p>${lang === 'vi'
    ? 'Ô mã được che để người bên cạnh không đọc được mã. Nếu không chắc đã nhập đúng, hãy xoá hết ô rồi dán lại mã. Nếu vẫn báo "Mã không đúng", mã có thể đã hết hạn hoặc bị thu hồi: hãy xin mã mới từ người đã cấp.'
    : 'The box hides the code from anyone beside you. If unsure it is right, clear the box and paste the code again. If it still says "Wrong token", the code may have expired or been revoked: ask whoever gave it for a new one.'}</p></details>
<button type="submit">${lang === 'vi' ? 'Đăng nhập' : 'Sign in'}</button></form>
${sso ? html`<p class="sso"><a href="/login/oidc${lang === 'en' ? '?lang=en' : ''}">${lang === 'vi' ? 'Hoặc đăng nhập bằng tài khoản công vụ của tỉnh' : 'Or sign in with the province\'s official account'}</a></p>` : ''}</div>`);

const limitedText = (lang: Lang, seconds: number) => {
  const minutes = Math.ceil(seconds / 60);
  return lang === 'vi'
    ? `Đã thử đăng nhập sai quá nhiều lần. Hãy chờ ${minutes} phút rồi thử lại, và dán nguyên mã trên phiếu (không gõ lại).`
    : `Too many failed sign-in attempts. Wait ${minutes} minutes, then try again, pasting the code from your sheet whole.`;
};

/** Where to go after signing in: a page of this app under /q, /nop or /quan-tri, nothing else (no other host, no header break). */
function safeNext(next: string): string | null {
  return /^\/(q|nop|quan-tri|tham-dinh)(\/|\?|$)/.test(next) && !/[\u0000-\u001f\u007f\\]/.test(next) && !next.startsWith('//') ? next : null;
}

/** /login opens a session (its id in an HttpOnly, SameSite=Strict cookie); /logout deletes it. */
export function registerLoginRoutes(app: Hono<Env>, deps: Pick<HttpDeps, 'access' | 'publicOrigin' | 'settings'> & { now?: () => Date }): void {
  const clock = () => (deps.now ?? (() => new Date()))().getTime();
  const byAddress = createRateLimiter(SIGN_IN_LIMITS.address, clock);
  const byPrefix = createRateLimiter(SIGN_IN_LIMITS.prefix, clock);

  // ?ma=<code>: the address on a printed sheet (its QR): the code filled in, signed in by a press
  // (a POST), so a link preview that fetches the address signs no one in.
  const sso = () => Boolean(deps.settings.peek?.('oidc_issuer'));
  app.get('/login', async (c) => {
    // A session cookie the server no longer honours: say the session ended (and why), rather than
    // a bare sign-in page that leaves a clerk wondering what she did wrong; the cookie is dropped.
    const stale = getCookie(c, SESSION_COOKIE);
    const check = stale ? await deps.access.session(stale) : null;
    const ended: Ended | undefined = check && check.kind !== 'valid' ? { kind: 'ended', check } : undefined;
    if (ended) deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.html(loginPage(langOf(c), safeNext(c.req.query('next') ?? '') ?? '', ended, (c.req.query('ma') ?? '').slice(0, 200), sso()));
  });

  app.post('/login', async (c) => {
    if (!sameOrigin(c, deps)) return c.text('', 403);
    const form = await c.req.parseBody();
    const token = String(form.token ?? '').trim();
    const asked = safeNext(String(form.next ?? ''));
    const address = `a:${clientAddress(c)}`;
    const prefix = `p:${codePrefix(token)}`;
    const wait = Math.max(byAddress.retryAfter(address), token ? byPrefix.retryAfter(prefix) : 0);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return c.html(loginPage(langOf(c), asked ?? '', { kind: 'limited', seconds: wait }), 429);
    }
    const check: TokenCheck = token ? await deps.access.token(token) : { kind: 'unknown' };
    if (check.kind !== 'valid') {
      byAddress.fail(address);
      if (token) byPrefix.fail(prefix);
      return c.html(loginPage(langOf(c), asked ?? '', check), 401);
    }
    byPrefix.clear(prefix);
    if (check.principal.role === 'machine') {
      const lang = langOf(c);
      return c.html(renderPage({ lang, title: 'Đăng nhập / Sign in', otherLangUrl: `/login?lang=${lang === 'vi' ? 'en' : 'vi'}` }, html`<div class="notice"><h1>${lang === 'vi' ? 'Tài khoản máy không đăng nhập trang' : 'A machine account does not sign in'}</h1><p role="alert">${lang === 'vi' ? 'Mã này dành cho hệ thống chia sẻ dữ liệu, đọc qua /api/data.' : 'This code is for a data-sharing system, which reads /api/data.'}</p></div>`), 403);
    }
    const home = homePage(check.principal.role, (await deps.settings.approval()).required);
    const next = asked && asked.startsWith(home) ? asked : home;
    const session = await deps.access.openSession(check.record);
    setCookie(c, SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'Strict', path: '/', secure: new URL(c.req.url).protocol === 'https:', maxAge: session.maxAgeSeconds });
    if (getCookie(c, OLD_COOKIE)) deleteCookie(c, OLD_COOKIE, { path: '/' });
    return c.redirect(next, 303);
  });

  // Sign out everywhere: every browser signed in with this account, this one too.
  app.post('/logout/all', async (c) => {
    if (!sameOrigin(c, deps)) return c.text('', 403);
    const session = getCookie(c, SESSION_COOKIE);
    if (session) await (deps.access.closeAllSessions ?? deps.access.closeSession)(session);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });

  app.get('/logout', async (c) => {
    const session = getCookie(c, SESSION_COOKIE);
    if (session) await deps.access.closeSession(session);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    deleteCookie(c, OLD_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });
}
