import type { Hono } from 'hono';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import { createGzip, gzip as gzipCallback } from 'node:zlib';
import type { CachedResult } from '../../services/savedQueryRunner.ts';
import { jsonChunks } from '../tableRows.ts';
import { resolveParams } from '../../domain/queries/resolveParams.ts';
import { analystsOnly } from '../auth.ts';
import { problem, type Env, type HttpDeps } from '../context.ts';
import { CONTENT_TYPES, FORMATS, renderFormat, type Format } from '../render.ts';

const gzip = promisify(gzipCallback);

/** Below this a response is sent as it is: compressing would cost more than it saves. */
const COMPRESS_FROM = 1024;

/** From this many rows a first JSON answer is streamed rather than built whole. */
const STREAM_FROM_ROWS = 2000;

/** JSON chunks (gzipped when asked) as a web stream; the whole body is cached once it is all sent. */
function streamJson(entry: CachedResult, gzipped: boolean): ReadableStream<Uint8Array> {
  const source = Readable.from(jsonChunks(entry.table), { objectMode: false });
  const encoded = gzipped ? source.pipe(createGzip({ level: 1 })) : source;
  const sent: Buffer[] = [];
  encoded.on('data', (chunk: Buffer) => sent.push(chunk));
  encoded.on('end', () => { entry.bodies[gzipped ? 'json.gz' : 'json'] = Buffer.concat(sent); });
  source.on('error', (error) => encoded.destroy(error));
  return Readable.toWeb(encoded) as ReadableStream<Uint8Array>;
}

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
    if (deps.registryVersion) c.header('X-Chiso-Registry-Version', deps.registryVersion());
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    c.header('Content-Type', CONTENT_TYPES[format]);
    const gzipped = format !== 'xlsx' && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    if (format === 'json' && !entry.bodies.json && !entry.bodies['json.gz'] && entry.table.numRows >= STREAM_FROM_ROWS) {
      // A large JSON result the first time: written, compressed and sent in chunks at once, on
      // three threads (rows here, gzip on the pool, the client reading), and kept when complete.
      if (gzipped) c.header('Content-Encoding', 'gzip');
      return c.body(streamJson(entry, gzipped));
    }
    const body = (entry.bodies[format] ??= await renderFormat(format, entry.table, query, params));
    // A scorecard of 300 units is a megabyte of JSON: compressed once, kept with the result.
    if (gzipped && body.length >= COMPRESS_FROM) {
      // On libuv's thread pool: the event loop answers other requests while a megabyte compresses.
      const gz = (entry.bodies[`${format}.gz`] ??= await gzip(body, { level: 5 }));
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
