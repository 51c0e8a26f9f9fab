import type { Hono } from 'hono';
import { resolveParams } from '../../domain/queries/resolveParams.ts';
import { createLeaderLink, leaderRefusal, linkStatus, MAX_LINK_SECONDS, revokeLeaderLink } from '../../services/leaderLinks.ts';
import { problem, publicOrigin, type Env, type HttpDeps } from '../context.ts';

/** /api/links: an analyst makes, lists and revokes leaders' signed links. */
export function registerLinkApi(app: Hono<Env>, deps: HttpDeps): void {
  // ---- Links API (analysts, bearer token). ----

  app.post('/api/links', async (c) => {
    const principal = c.get('principal');
    if (principal.role !== 'analyst') return problem(c, { status: 403, code: 'FORBIDDEN', vi: 'Chỉ chuyên viên phân tích được tạo liên kết', en: 'Only analysts may create links' });
    let body: { query?: unknown; params?: unknown; expires_in?: unknown };
    const invalid = () => problem(c, { status: 400, code: 'INVALID_BODY', vi: 'Nội dung phải là JSON {query, params, expires_in}', en: 'The body must be JSON {query, params, expires_in}' });
    try {
      body = await c.req.json();
    } catch {
      return invalid();
    }
    // null, an array, a string: JSON, but not the object asked for.
    if (!body || typeof body !== 'object' || Array.isArray(body)) return invalid();
    if (body.params !== undefined && (!body.params || typeof body.params !== 'object' || Array.isArray(body.params))) return invalid();
    const query = typeof body.query === 'string' ? deps.queries.get(body.query) : undefined;
    if (!query) return problem(c, { status: 404, code: 'QUERY_NOT_FOUND', vi: 'Không có truy vấn này', en: 'No such saved query' });
    const refused = leaderRefusal(query, deps.queries);
    if (refused) return problem(c, { status: 403, code: 'NOT_SHAREABLE', ...refused });
    const expiresIn = Number(body.expires_in ?? 30 * 24 * 3600);
    if (!Number.isInteger(expiresIn) || expiresIn < 60 || expiresIn > MAX_LINK_SECONDS) {
      return problem(c, { status: 400, code: 'INVALID_EXPIRY', vi: 'expires_in là số giây, từ 60 đến 1 năm', en: 'expires_in is seconds, from 60 to one year' });
    }
    const params = resolveParams(query, Object.fromEntries(Object.entries((body.params ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])), deps.catalog, deps.today());
    const note = typeof (body as { note?: unknown }).note === 'string' ? (body as { note: string }).note : undefined;
    // The configured public address, never the request's Host header (which a client chooses).
    const link = await createLeaderLink(deps, principal, publicOrigin(c, deps), { query: query.name, params, expiresInSeconds: expiresIn, note });
    return c.json({ id: link.id, url: link.url, query: query.name, params, note: link.note ?? null, expires_at: new Date(link.exp * 1000).toISOString() }, 201);
  });

  app.get('/api/links', async (c) => {
    const principal = c.get('principal');
    const mine = await deps.links.listBy(principal.id);
    return c.json(mine.map((l) => ({ id: l.id, url: l.url, query: l.query, params: l.params, note: l.note ?? null, status: linkStatus(l, deps.now()), expires_at: new Date(l.exp * 1000).toISOString(), created_at: l.created_at, revoked_at: l.revoked_at })));
  });

  app.delete('/api/links/:id', async (c) => {
    const principal = c.get('principal');
    const link = await revokeLeaderLink(deps, principal, c.req.param('id'));
    if (!link) return problem(c, { status: 404, code: 'LINK_NOT_FOUND', vi: 'Không có liên kết này', en: 'No such link' });
    return c.json({ id: link.id, revoked_at: link.revoked_at });
  });
}
