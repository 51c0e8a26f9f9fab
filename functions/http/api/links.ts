import type { Hono } from 'hono';
import { signLink } from '../../domain/access/signedLinks.ts';
import { resolveParams } from '../../domain/queries/resolveParams.ts';
import { problem, type Env, type HttpDeps } from '../context.ts';

const MAX_LINK_SECONDS = 366 * 24 * 3600;

/** /api/links: an analyst makes, lists and revokes leaders' signed links. */
export function registerLinkApi(app: Hono<Env>, deps: HttpDeps): void {
  // ---- Links API (analysts, bearer token). ----

  app.post('/api/links', async (c) => {
    const principal = c.get('principal');
    if (principal.role !== 'analyst') return problem(c, { status: 403, code: 'FORBIDDEN', vi: 'Chỉ chuyên viên phân tích được tạo liên kết', en: 'Only analysts may create links' });
    let body: { query?: string; params?: Record<string, string>; expires_in?: number };
    try {
      body = await c.req.json();
    } catch {
      return problem(c, { status: 400, code: 'INVALID_BODY', vi: 'Nội dung phải là JSON {query, params, expires_in}', en: 'The body must be JSON {query, params, expires_in}' });
    }
    const query = body.query ? deps.queries.get(body.query) : undefined;
    if (!query) return problem(c, { status: 404, code: 'QUERY_NOT_FOUND', vi: 'Không có truy vấn này', en: 'No such saved query' });
    const expiresIn = Number(body.expires_in ?? 30 * 24 * 3600);
    if (!Number.isInteger(expiresIn) || expiresIn < 60 || expiresIn > MAX_LINK_SECONDS) {
      return problem(c, { status: 400, code: 'INVALID_EXPIRY', vi: 'expires_in là số giây, từ 60 đến 1 năm', en: 'expires_in is seconds, from 60 to one year' });
    }
    const params = resolveParams(query, Object.fromEntries(Object.entries(body.params ?? {}).map(([k, v]) => [k, String(v)])), deps.catalog, deps.today());
    const now = deps.now();
    const { token, grant } = signLink({ query: query.name, params, exp: Math.floor(now.getTime() / 1000) + expiresIn, by: principal.id, by_name: principal.name }, deps.linkSecret);
    const url = `${new URL(c.req.url).origin}/l/${token}`;
    const records = await deps.links.list();
    await deps.links.save([...records, { ...grant, created_at: now.toISOString(), revoked_at: null, url }]);
    return c.json({ id: grant.id, url, query: query.name, params, expires_at: new Date(grant.exp * 1000).toISOString() }, 201);
  });

  app.get('/api/links', async (c) => {
    const principal = c.get('principal');
    const mine = (await deps.links.list()).filter((l) => l.by === principal.id);
    return c.json(mine.map((l) => ({ id: l.id, url: l.url, query: l.query, params: l.params, expires_at: new Date(l.exp * 1000).toISOString(), created_at: l.created_at, revoked_at: l.revoked_at })));
  });

  app.delete('/api/links/:id', async (c) => {
    const principal = c.get('principal');
    const records = await deps.links.list();
    const link = records.find((l) => l.id === c.req.param('id') && l.by === principal.id);
    if (!link) return problem(c, { status: 404, code: 'LINK_NOT_FOUND', vi: 'Không có liên kết này', en: 'No such link' });
    link.revoked_at ??= deps.now().toISOString();
    await deps.links.save(records);
    return c.json({ id: link.id, revoked_at: link.revoked_at });
  });
}
