import type { Hono } from 'hono';
import { promisify } from 'node:util';
import { Readable, Transform, pipeline } from 'node:stream';
import { createGzip, gzip as gzipCallback, gzipSync } from 'node:zlib';
import type { OpenedResult } from '../../services/savedQueryRunner.ts';
import { batchJson } from '../tableRows.ts';
import { resolveParams } from '../../domain/queries/resolveParams.ts';
import { audienceAdmits, audienceRefusal } from '../../domain/queries/savedQueries.ts';
import { analystsOnly } from '../auth.ts';
import { machineQueryAnswer, machineQueryList } from './dataSharing.ts';
import { problem, type Env, type HttpDeps } from '../context.ts';
import { CONTENT_TYPES, FORMATS, renderFormat, type Format } from '../render.ts';

const gzip = promisify(gzipCallback);

/** Below this a response is sent as it is: compressing would cost more than it saves. */
const COMPRESS_FROM = 1024;
/** Below this a body is compressed in the request's thread (well under a millisecond). */
const COMPRESS_HERE_UNDER = 64 * 1024;
/**
 * gzip's fastest level: the first answer is what someone waits for, and JSON still shrinks 15–20
 * times (district_scorecard: 1.7 MB to 92 KB, 2 ms; level 5: 70 KB, 6 ms).
 */
const GZIP_LEVEL = 1;
/**
 * A first JSON answer of this many batches (8,193 rows and more) is streamed. Below it, writing
 * while the engine still converts rows costs it more (two cores shared with compression and the
 * client) than waiting for the last row: measured over HTTP, the 17,700-row submission log was
 * faster streamed, the 4,500-row scorecard and the 1.6 MB warnings list faster whole.
 */
const STREAM_FROM_BATCHES = 5;

/**
 * A JSON answer (gzipped when asked) as a web stream, written from the result's batches as the
 * engine reads them: each batch's JSON is written as soon as the batch is read, and compressed on
 * the thread pool while the engine reads the next. Nothing waits for the client: what it has not
 * read yet waits in the stream (the result is held whole anyway). The whole body is kept with the
 * result once it is all sent; a client that leaves stops the rendering and nothing half-done is kept.
 */
function streamJson(opened: OpenedResult, gzipped: boolean): ReadableStream<Uint8Array> {
  // Each chunk is kept on its way to the client, in the one stream the client reads: a 'data'
  // listener beside the web stream's would switch it to flowing and take the first chunk alone.
  const sent: Buffer[] = [];
  const keeper = new Transform({ transform(chunk: Buffer, _encoding, done) { sent.push(chunk); done(null, chunk); } });
  keeper.on('finish', () => {
    void opened.result.then((entry) => { entry.bodies[gzipped ? 'json.gz' : 'json'] = Buffer.concat(sent); }, () => undefined);
  });
  const out = gzipped ? createGzip({ level: GZIP_LEVEL, chunkSize: 64 * 1024 }) : keeper;
  // A client that leaves destroys the keeper, and with it the compressor.
  if (gzipped) pipeline(out, keeper, () => undefined);
  const body = Readable.toWeb(keeper) as ReadableStream<Uint8Array>;
  void (async () => {
    try {
      out.write('[');
      let first = true;
      for await (const batch of opened.batches) {
        if (out.destroyed) return;
        out.write(batchJson(batch, first));
        first &&= batch.numRows === 0;
      }
      if (!out.destroyed) out.end(']');
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return body;
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
    // A data-sharing platform's machine account: its scope only (dataSharing.ts).
    if (c.get('principal').role === 'machine') return machineQueryList(c, deps);
    const denied = analystsOnly(c);
    if (denied) return denied;
    return c.json([...deps.queries.values()].filter((q) => audienceAdmits(q, c.get('principal').role)).map((q) => ({
      name: q.name, title: q.title, description: q.description, params: q.params, columns: q.columns, chart: q.chart,
      url: `/api/queries/${q.name}`, ...(q.audience ? { audience: q.audience } : {}),
    })));
  });

  app.get('/api/queries/:name', async (c) => {
    if (c.get('principal').role === 'machine') return machineQueryAnswer(c, deps);
    const query = deps.queries.get(c.req.param('name'));
    // A query with an audience admits its roles alone (admins read admin_audit; staff, heads, machines never pending_values).
    const denied = query?.audience ? (audienceAdmits(query, c.get('principal').role) ? null : problem(c, { status: 403, code: 'FORBIDDEN', ...audienceRefusal(query) })) : analystsOnly(c);
    if (denied) return denied;
    if (!query) return problem(c, { status: 404, code: 'QUERY_NOT_FOUND', vi: 'Không có truy vấn này', en: 'No such saved query' });
    const format = pickFormat(c.req.query('format'), c.req.header('accept'));
    if (!format) return problem(c, { status: 400, code: 'INVALID_FORMAT', vi: `Định dạng phải là ${FORMATS.join(', ')}`, en: `format must be one of ${FORMATS.join(', ')}` });
    const params = resolveParams(query, c.req.query(), deps.catalog, deps.today());
    const opened = await deps.runner.open(query, params);
    // The first rows, or the failure, before any header: an error is never sent with a result's ETag.
    await opened.batches.has(1);
    const etag = `${opened.etag.slice(0, -1)}-${format}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', 'private, no-cache');
    c.header('Vary', 'Authorization, Accept');
    if (deps.registryVersion) c.header('X-Chiso-Registry-Version', deps.registryVersion());
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    c.header('Content-Type', CONTENT_TYPES[format]);
    const gzipped = format !== 'xlsx' && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    // A large JSON answer, the first time: written, compressed and sent while the engine still
    // reads, on three threads (rows here, gzip on the pool, the client reading).
    const bodies = opened.cached?.bodies;
    if (format === 'json' && !bodies?.json && !bodies?.['json.gz'] && await opened.batches.has(STREAM_FROM_BATCHES)) {
      if (gzipped) c.header('Content-Encoding', 'gzip');
      return c.body(streamJson(opened, gzipped));
    }
    const entry = await opened.result;
    const body = (entry.bodies[format] ??= await renderFormat(format, entry.table, query, params));
    // A scorecard of 300 units is 1.7 MB of JSON: compressed once, kept with the result.
    if (gzipped && body.length >= COMPRESS_FROM) {
      // A megabyte on libuv's thread pool, while the event loop answers other requests; a small
      // body here, where compressing costs less than the trip to another thread.
      const gz = (entry.bodies[`${format}.gz`] ??= body.length < COMPRESS_HERE_UNDER ? gzipSync(body, { level: GZIP_LEVEL }) : await gzip(body, { level: GZIP_LEVEL }));
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
