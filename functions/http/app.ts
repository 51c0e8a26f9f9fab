import { Hono } from 'hono';
import { InvalidParamsError } from '../domain/queries/resolveParams.ts';
import { IngestQueueFullError } from '../services/ingestQueue.ts';
import { StorageFullError } from '../services/storageFull.ts';
import { registerDataSharingApi } from './api/dataSharing.ts';
import { registerLinkApi } from './api/links.ts';
import { buildOpenApi } from './api/openApi.ts';
import { registerPublicationApi } from './api/publications.ts';
import { registerQueryApi } from './api/queries.ts';
import { registerSubmissionApi } from './api/submissions.ts';
import { refuseMachineOutsideApi, registerLoginRoutes, requireBearer } from './auth.ts';
import { limitBodies } from './bodyLimits.ts';
import { problem, type Env, type HttpDeps } from './context.ts';
import { registerClerkRoutes } from './pages/clerkRoutes.ts';
import { registerHeadRoutes } from './pages/headRoutes.ts';
import { registerAdminRoutes } from './pages/adminRoutes.ts';
import { registerOidcRoutes } from './oidc.ts';
import { registerAnalystRoutes } from './pages/analystRoutes.ts';
import { registerAppraisalRoutes } from './pages/appraisalRoutes.ts';
import { registerPublicationRoutes } from './pages/publicationRoutes.ts';
import { registerReconcileRoutes } from './pages/reconcileRoutes.ts';
import { registerLeaderRoutes } from './pages/leaderRoutes.ts';
import { registerPageAssets } from './pages/pageAssets.ts';
import { langOf, renderNotice } from './pages/renderPages.ts';
import type { Context, MiddlewareHandler } from 'hono';

/** Least-privilege headers for every response; pages loosen only what they need. */
const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
};

/** Text worth compressing: pages, charts, stylesheets and CSV (JSON, Arrow and xlsx go as they are). */
const COMPRESSIBLE = /^(text\/(html|csv|css)|image\/svg\+xml)/;

/** gzip for a client that accepts it; the body streams through, never held whole. */
function compressText(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    res.headers.append('Vary', 'Accept-Encoding');
    if (!/\bgzip\b/i.test(c.req.header('accept-encoding') ?? '') || c.req.method === 'HEAD' || !res.body || res.headers.has('content-encoding')) return;
    if (!COMPRESSIBLE.test(res.headers.get('content-type') ?? '')) return;
    c.res = new Response(res.body.pipeThrough(new CompressionStream('gzip')), res);
    c.res.headers.delete('content-length');
    c.res.headers.set('content-encoding', 'gzip');
  };
}

/** A person's browser gets a page; an API client (and anything under /api/) JSON. */
const wantsPage = (c: Context) => !c.req.path.startsWith('/api/') && /text\/html/.test(c.req.header('accept') ?? '');

/**
 * The HTTP layer, built from services so the same app serves locally (DuckDB, a folder) and on
 * AWS (Athena, S3). Handlers stay short: they check, call a service, and render.
 */
export function createApp(deps: HttpDeps): Hono<Env> {
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!c.res.headers.has(k)) c.res.headers.set(k, v);
  });

  app.use('*', compressText());

  // Before any route reads a body: each is capped by route (bodyLimits.ts).
  app.use('*', limitBodies());

  app.onError((error, c) => {
    if (error instanceof IngestQueueFullError) {
      c.header('Retry-After', String(error.retryAfterSeconds));
      return problem(c, error.perAccount
        ? { status: 503, code: 'BUSY', vi: `Tài khoản này đang có tệp chờ xử lý; hãy gửi lại sau ${error.retryAfterSeconds} giây`, en: `This account already has files waiting; send it again in ${error.retryAfterSeconds} seconds` }
        : { status: 503, code: 'BUSY', vi: `Máy chủ đang xử lý nhiều tệp; hãy gửi lại sau ${error.retryAfterSeconds} giây`, en: `The server is processing many files; send it again in ${error.retryAfterSeconds} seconds` });
    }
    if (error instanceof StorageFullError) {
      console.error(`507 ${c.req.method} ${c.req.path}: ${error.message}`);
      return problem(c, { status: 507, code: 'STORAGE_FULL', vi: 'Ổ đĩa của máy chủ đã đầy nên tệp chưa được nhận (không lưu gì); hãy báo cán bộ phụ trách và gửi lại sau', en: 'The server\'s disk is full, so the file was not taken (nothing was kept); tell the person in charge and send it again later' });
    }
    if (error instanceof InvalidParamsError) {
      return problem(c, { status: 400, code: 'INVALID_PARAMS', vi: 'Tham số không hợp lệ', en: 'Invalid parameters', details: error.problems });
    }
    // The cause goes to the server's log; the response says nothing of SQL or code.
    console.error(error);
    if (wantsPage(c)) {
      const lang = langOf(c);
      return c.html(renderNotice(lang, lang === 'vi' ? 'Lỗi hệ thống' : 'Internal error', lang === 'vi' ? 'Đã có lỗi khi mở trang này. Vui lòng thử lại sau ít phút.' : 'Something went wrong opening this page. Please try again in a few minutes.'), 500);
    }
    return problem(c, { status: 500, code: 'INTERNAL', vi: 'Lỗi hệ thống, vui lòng thử lại sau', en: 'Internal error, please try again later' });
  });

  app.notFound((c) => {
    if (!wantsPage(c)) return problem(c, { status: 404, code: 'NOT_FOUND', vi: 'Không tìm thấy', en: 'Not found' });
    const lang = langOf(c);
    return c.html(renderNotice(lang, lang === 'vi' ? 'Không tìm thấy trang' : 'Page not found', lang === 'vi' ? 'Địa chỉ này không có trang nào. Hãy kiểm tra lại liên kết đã được gửi cho bạn.' : 'There is no page at this address. Check the link you were sent.'), 404);
  });

  app.get('/health', async (c) => c.json({ status: 'ok', lake_version: await deps.runner.lakeVersion(0), queries: deps.queries.size }));
  app.get('/api/openapi.json', (c) => c.json(buildOpenApi(deps.queries)));

  app.use('/api/*', requireBearer(deps));
  app.use('*', refuseMachineOutsideApi(deps));
  registerPageAssets(app, deps.directUpload ? [deps.directUpload.origin] : []);
  registerLeaderRoutes(app, deps);
  registerLoginRoutes(app, deps);
  registerAnalystRoutes(app, deps);
  registerClerkRoutes(app, deps);
  registerHeadRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerOidcRoutes(app, deps);
  registerQueryApi(app, deps);
  registerLinkApi(app, deps);
  registerPublicationApi(app, deps);
  registerDataSharingApi(app, deps);
  registerAppraisalRoutes(app, deps);
  registerReconcileRoutes(app, deps);
  registerPublicationRoutes(app, deps);
  registerSubmissionApi(app, deps);
  return app;
}
