import type { Hono } from 'hono';
import { gzipSync } from 'node:zlib';
import { resolveParams } from '../../domain/queries/resolveParams.ts';
import { analystsOnly } from '../auth.ts';
import { problem, type Env, type HttpDeps } from '../context.ts';
import { CONTENT_TYPES, FORMATS, renderFormat, type Format } from '../render.ts';

/** Below this a response is sent as it is: compressing would cost more than it saves. */
const COMPRESS_FROM = 1024;

function pickFormat(param: string | undefined, accept: string | undefined): Format | null {
  if (param) return (FORMATS as string[]).includes(param) ? (param as Format) : null;
  if (accept?.includes('text/csv')) return 'csv';
  if (accept?.includes('spreadsheetml')) return 'xlsx';
  if (accept?.includes('apache.arrow')) return 'arrow';
  return 'json';
}

/** GET /api/queries and /api/queries/:name: saved queries as data, for analysts. */
export function registerQueryApi(app: Hono<Env>, deps: HttpDeps): void {
  app.get('/api/queries', (c) => {
    const denied = analystsOnly(c);
    if (denied) return denied;
    return c.json([...deps.queries.values()].map((q) => ({
      name: q.name, title: q.title, description: q.description, params: q.params, columns: q.columns, chart: q.chart,
      url: `/api/queries/${q.name}`,
    })));
  });

  app.get('/api/queries/:name', async (c) => {
    const denied = analystsOnly(c);
    if (denied) return denied;
    const query = deps.queries.get(c.req.param('name'));
    if (!query) return problem(c, { status: 404, code: 'QUERY_NOT_FOUND', vi: 'Không có truy vấn này', en: 'No such saved query' });
    const format = pickFormat(c.req.query('format'), c.req.header('accept'));
    if (!format) return problem(c, { status: 400, code: 'INVALID_FORMAT', vi: `Định dạng phải là ${FORMATS.join(', ')}`, en: `format must be one of ${FORMATS.join(', ')}` });
    const params = resolveParams(query, c.req.query(), deps.catalog, deps.today());
    const entry = await deps.runner.run(query, params);
    const etag = `${entry.etag.slice(0, -1)}-${format}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', 'private, no-cache');
    c.header('Vary', 'Authorization, Accept');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    const body = (entry.bodies[format] ??= await renderFormat(format, entry.table, query, params));
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
}
