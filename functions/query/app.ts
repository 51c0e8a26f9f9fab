import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { LIMITS } from '../adapters/limits.ts';
import type { ObjectStore } from '../adapters/ObjectStore.ts';
import type { CatalogIndex } from '../core/ingestContext.ts';
import type { IngestInput, IngestResult } from '../ingest/ingestFile.ts';
import { lakeKeys } from '../ingest/lakeKeys.ts';
import { buildOpenApi } from './openApi.ts';
import type { QueryEngine } from './QueryEngine.ts';
import { CONTENT_TYPES, FORMATS, toArrow, toCsv, toRows, toXlsx, type Format } from './renderResult.ts';
import { canonicalParams, InvalidParamsError, resolveParams, type ParamValue } from './resolveParams.ts';
import type { SavedQuery } from './savedQueries.ts';
import { verifyToken, type Principal, type TokenRecord } from './tokens.ts';
import type { LinkRegistry } from './signedLinks.ts';
import { registerPageRoutes } from '../pages/pageRoutes.ts';

export interface AppDeps {
  engine: QueryEngine;
  store: ObjectStore;
  catalog: CatalogIndex;
  queries: Map<string, SavedQuery>;
  tokens: () => Promise<readonly TokenRecord[]>;
  /** Key that signs leaders' links (local: generated into the data folder; AWS: from SSM). */
  linkSecret: Buffer;
  links: LinkRegistry;
  ingest: (input: IngestInput) => Promise<IngestResult>;
  now: () => Date;
  utcOffsetHours: number;
  /** Keep rendered results until the lake changes (default). Off only to measure the engine. */
  cacheResults?: boolean;
}

export type Env = { Variables: { principal: Principal } };

export interface ApiError { status: number; code: string; vi: string; en: string; details?: unknown }

export const problem = (c: Context, e: ApiError) =>
  c.json({ error: { code: e.code, message: `${e.vi} / ${e.en}`, message_vi: e.vi, message_en: e.en, ...(e.details ? { details: e.details } : {}) } }, e.status as 400);

/** Least-privilege headers for every response; pages (later) loosen only what they need. */
const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
};

const CACHE_LIMIT = 500;
/** Below this a response is sent as it is: compressing would cost more than it saves. */
const COMPRESS_FROM = 1024;
/** How stale the lake version may be when read for a request: another process may have ingested. */
const VERSION_TTL_MS = 250;

/**
 * The HTTP layer, built from its ports so the same app serves locally (DuckDB, a folder) and on
 * AWS (Athena, S3). Handlers stay short: they check, call the core, and render.
 */
export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  const cache = new Map<string, { etag: string; bodies: Partial<Record<Format | `${Format}.gz`, Uint8Array | string>>; table: Awaited<ReturnType<QueryEngine['run']>> }>();
  let engineVersion: string | null = null;
  let catchingUp: Promise<void> | null = null;
  let versionRead: { version: string; at: number } | null = null;

  const today = () => new Date(deps.now().getTime() + deps.utcOffsetHours * 3_600_000).toISOString().slice(0, 10);

  /** The lake's version; when it moved, the engine re-reads the lake once, whoever asks meanwhile. */
  async function lakeVersion(): Promise<string> {
    // Read at most every VERSION_TTL_MS under load; this server's own submissions read it at once.
    if (!versionRead || Date.now() - versionRead.at > VERSION_TTL_MS) {
      const v = await deps.store.get(lakeKeys.lakeVersion);
      versionRead = { version: v ? Buffer.from(v).toString('utf8') : 'empty', at: Date.now() };
    }
    const version = versionRead.version;
    if (version !== engineVersion) {
      catchingUp ??= deps.engine.refresh().then(() => {
        engineVersion = version;
        cache.clear();
      }).finally(() => { catchingUp = null; });
      await catchingUp;
    }
    return version;
  }

  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!c.res.headers.has(k)) c.res.headers.set(k, v);
  });

  app.onError((error, c) => {
    if (error instanceof InvalidParamsError) {
      return problem(c, { status: 400, code: 'INVALID_PARAMS', vi: 'Tham số không hợp lệ', en: 'Invalid parameters', details: error.problems });
    }
    // The cause goes to the server's log; the response says nothing of SQL or code.
    console.error(error);
    return problem(c, { status: 500, code: 'INTERNAL', vi: 'Lỗi hệ thống, vui lòng thử lại sau', en: 'Internal error, please try again later' });
  });

  app.notFound((c) => problem(c, { status: 404, code: 'NOT_FOUND', vi: 'Không tìm thấy', en: 'Not found' }));

  app.get('/health', async (c) => c.json({ status: 'ok', lake_version: await lakeVersion(), queries: deps.queries.size }));

  app.get('/api/openapi.json', (c) => c.json(buildOpenApi(deps.queries)));

  app.use('/api/*', async (c, next) => {
    if (c.req.path === '/api/openapi.json') return next();
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const principal = token ? verifyToken(token, await deps.tokens()) : null;
    if (!principal) {
      c.header('WWW-Authenticate', 'Bearer realm="chiso"');
      return problem(c, { status: 401, code: 'UNAUTHORIZED', vi: 'Cần mã truy cập (Authorization: Bearer …)', en: 'A bearer token is required' });
    }
    c.set('principal', principal);
    return next();
  });

  const analystsOnly = (c: Context<Env>) =>
    c.get('principal').role === 'analyst'
      ? null
      : problem(c, { status: 403, code: 'FORBIDDEN', vi: 'Tài khoản này không được xem truy vấn', en: 'This account may not run queries' });

  app.get('/api/queries', (c) => {
    const denied = analystsOnly(c);
    if (denied) return denied;
    return c.json([...deps.queries.values()].map((q) => ({
      name: q.name, title: q.title, description: q.description, params: q.params, columns: q.columns, chart: q.chart,
      url: `/api/queries/${q.name}`,
    })));
  });

  /** Runs a saved query through the cache; the entry also carries its ETag. */
  async function runSaved(query: SavedQuery, params: Record<string, ParamValue>) {
    const version = await lakeVersion();
    const key = `${query.name}?${canonicalParams(params)}`;
    let entry = cache.get(key);
    if (!entry) {
      const table = await deps.engine.run(query.sql, params);
      entry = { etag: `"${createHash('sha256').update(`${key}@${version}`).digest('base64url').slice(0, 27)}"`, bodies: {}, table };
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
      if (deps.cacheResults !== false) cache.set(key, entry);
    }
    return entry;
  }

  registerPageRoutes(app, { deps, runSaved, today, problem });

  app.get('/api/queries/:name', async (c) => {
    const denied = analystsOnly(c);
    if (denied) return denied;
    const query = deps.queries.get(c.req.param('name'));
    if (!query) return problem(c, { status: 404, code: 'QUERY_NOT_FOUND', vi: 'Không có truy vấn này', en: 'No such saved query' });
    const format = pickFormat(c.req.query('format'), c.req.header('accept'));
    if (!format) return problem(c, { status: 400, code: 'INVALID_FORMAT', vi: `Định dạng phải là ${FORMATS.join(', ')}`, en: `format must be one of ${FORMATS.join(', ')}` });
    const params = resolveParams(query, c.req.query(), deps.catalog, today());
    const entry = await runSaved(query, params);
    const etag = `${entry.etag.slice(0, -1)}-${format}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', 'private, no-cache');
    c.header('Vary', 'Authorization, Accept');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    const body = (entry.bodies[format] ??= await render(format, entry.table, query, params));
    c.header('Content-Type', CONTENT_TYPES[format]);
    // A scorecard of 300 units is a megabyte of JSON: compressed once, kept with the result.
    if (format !== 'xlsx' && body.length >= COMPRESS_FROM && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      const gz = (entry.bodies[`${format}.gz`] ??= gzipSync(body, { level: 5 }));
      c.header('Content-Encoding', 'gzip');
      return c.body(gz as Uint8Array<ArrayBuffer>);
    }
    if (format === 'csv' || format === 'xlsx') {
      const stem = [query.name, ...Object.values(params).map(String)].join('_').replace(/[^\w.-]+/g, '-');
      c.header('Content-Disposition', `attachment; filename="${stem}.${format}"`);
    }
    return c.body(body as string);
  });

  app.get('/api/submissions', async (c) => {
    const principal = c.get('principal');
    await lakeVersion();
    const conditions = ['1 = 1'];
    const params: Record<string, ParamValue> = {};
    const status = c.req.query('status');
    if (status) {
      if (status !== 'accepted' && status !== 'rejected') return problem(c, { status: 400, code: 'INVALID_PARAMS', vi: 'status phải là accepted hoặc rejected', en: 'status must be accepted or rejected' });
      conditions.push('status = :status');
      params.status = status;
    }
    if (principal.role !== 'analyst') {
      conditions.push('submitted_by = :submitted_by');
      params.submitted_by = principal.id;
    }
    const table = await deps.engine.run(
      `SELECT submission_id, source_file, status, layout, units, periods, row_count, error_count, submitted_by, submitted_at
       FROM submissions WHERE ${conditions.join(' AND ')} ORDER BY submitted_at DESC, submission_id DESC LIMIT 1000`,
      params,
    );
    return c.json(toRows(table).map((r) => ({ ...r, units: JSON.parse(String(r.units)), periods: JSON.parse(String(r.periods)) })));
  });

  app.get('/api/submissions/:id', async (c) => {
    const id = c.req.param('id');
    const body = /^[0-9TZ]+-[0-9a-f]{8}$/.test(id) ? await deps.store.get(lakeKeys.submissionResult(id)) : null;
    const result = body ? (JSON.parse(Buffer.from(body).toString('utf8')) as IngestResult & { submitted_by?: string | null }) : null;
    const principal = c.get('principal');
    if (!result || (principal.role !== 'analyst' && result.submitted_by !== principal.id)) {
      return problem(c, { status: 404, code: 'SUBMISSION_NOT_FOUND', vi: 'Không có lần gửi này', en: 'No such submission' });
    }
    return c.json(result);
  });

  // Streams are cut off at the limit, whether or not the client declared a Content-Length.
  const uploadLimit = bodyLimit({
    maxSize: LIMITS.maxFileBytes,
    onError: (c) => problem(c, { status: 413, code: 'FILE_TOO_LARGE', vi: `Tệp quá lớn (tối đa ${LIMITS.maxFileBytes / 1024 / 1024} MB)`, en: `File too large (at most ${LIMITS.maxFileBytes / 1024 / 1024} MB)` }),
  });

  app.put('/api/submissions', uploadLimit, async (c) => {
    const principal = c.get('principal');
    const fileName = c.req.query('filename');
    if (!fileName || fileName.length > 255) {
      return problem(c, { status: 400, code: 'FILENAME_REQUIRED', vi: 'Cần tham số filename (tên tệp)', en: 'The filename parameter is required' });
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const result = await deps.ingest({
      bytes,
      fileName,
      submittedBy: principal.id,
      allowedUnits: principal.role === 'staff' && principal.unit ? [principal.unit] : undefined,
    });
    versionRead = null;
    return c.json(result, result.status === 'accepted' ? (result.duplicate_of ? 200 : 201) : 422);
  });

  return app;
}

function pickFormat(param: string | undefined, accept: string | undefined): Format | null {
  if (param) return (FORMATS as string[]).includes(param) ? (param as Format) : null;
  if (accept?.includes('text/csv')) return 'csv';
  if (accept?.includes('spreadsheetml')) return 'xlsx';
  if (accept?.includes('apache.arrow')) return 'arrow';
  return 'json';
}

async function render(format: Format, table: Awaited<ReturnType<QueryEngine['run']>>, query: SavedQuery, params: Record<string, ParamValue>): Promise<Uint8Array | string> {
  switch (format) {
    case 'json': return JSON.stringify(toRows(table));
    case 'csv': return toCsv(table);
    case 'xlsx': return new Uint8Array(await toXlsx(table, query, params));
    case 'arrow': return toArrow(table);
  }
}
