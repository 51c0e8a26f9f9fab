import type { Context, Hono } from 'hono';
import type { Principal } from '../../domain/access/tokens.ts';
import { CANONICAL_PERIOD } from '../../domain/ingest/parsePeriod.ts';
import { createPublications, PublicationError, type PublicationsService, type ReadQuery, type SnapshotRow } from '../../services/publications.ts';
import { reconcileFile } from '../../services/reconcile.ts';
import { problem, type Env, type HttpDeps } from '../context.ts';
import { lazy } from '../lazy.ts';
import { toRows } from '../tableRows.ts';
import type { AnnexInput } from '../pdf/annexModel.ts';

/** Who publishes a period's results: the province's analysts and the administrator. */
const mayPublish = (p: Principal) => p.role === 'analyst' || p.role === 'admin';
/** Who reads publications and their annex (appraisers check what was published against their work). */
const mayRead = (p: Principal) => mayPublish(p) || p.role === 'appraiser';

const services = new WeakMap<HttpDeps, PublicationsService>();

/** A saved query's rows over the current lake, through the runner's cache. */
export const publicationsReader = (deps: HttpDeps): ReadQuery => async (name, params) => {
  const query = deps.queries.get(name);
  if (!query) throw new Error(`saved query ${name} is missing`);
  return toRows((await deps.runner.run(query, params)).table) as SnapshotRow[];
};

/**
 * The publications of this app's deps, built once: leaders' pages call
 * `publicationsFor(deps).publishedFor(period)` to show the published figures and the note.
 */
export function publicationsFor(deps: HttpDeps): PublicationsService {
  let service = services.get(deps);
  if (!service) {
    service = createPublications({
      store: deps.store,
      now: deps.now,
      read: publicationsReader(deps),
      registryVersion: () => deps.registryVersion?.() ?? null,
      lakeVersion: () => deps.runner.lakeVersion(),
    });
    services.set(deps, service);
  }
  return service;
}

const badPeriod = (c: Context, period: string) => problem(c, { status: 400, code: 'INVALID_PERIOD', vi: `Kỳ "${period}" không hợp lệ (ví dụ 2026-Q3)`, en: `Period "${period}" is not valid (e.g. 2026-Q3)` });
const forbidden = (c: Context, vi: string, en: string) => problem(c, { status: 403, code: 'FORBIDDEN', vi, en });
const notPublished = (c: Context, period: string) => problem(c, { status: 404, code: 'NOT_PUBLISHED', vi: `Kỳ ${period} chưa được công bố (hoặc không có phiên bản này)`, en: `${period} has not been published (or has no such version)` });

function versionOf(raw: string | undefined): number | undefined | null {
  if (raw === undefined || raw === '') return undefined;
  return /^\d{1,4}$/.test(raw) ? Number(raw) : null;
}

/** /api/publications: publish a period's DTI results by a decision, list the versions, read one, export its annex. */
export function registerPublicationApi(app: Hono<Env>, deps: HttpDeps): void {
  app.post('/api/publications', async (c) => {
    const principal = c.get('principal');
    if (!mayPublish(principal)) return forbidden(c, 'Chỉ chuyên viên phân tích hoặc quản trị được công bố kết quả', 'Only analysts or administrators may publish results');
    let body: Record<string, unknown>;
    try {
      body = await c.req.json();
    } catch {
      body = {};
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) body = {};
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    try {
      const publication = await publicationsFor(deps).publish(field('period').trim(), {
        number: field('decision_number'), date: field('decision_date'), issuingBody: field('issuing_body'), note: field('note') || null,
      }, { id: principal.id, name: principal.name });
      deps.runner.lakeChanged();
      const { ranking: _r, scorecards: _s, ...summary } = publication;
      return c.json(summary, 201);
    } catch (error) {
      if (error instanceof PublicationError) return problem(c, { status: error.status, code: error.code, vi: error.vi, en: error.en });
      throw error;
    }
  });

  app.get('/api/publications', async (c) => {
    if (!mayRead(c.get('principal'))) return forbidden(c, 'Tài khoản này không xem được kết quả công bố', 'This account may not read publications');
    const period = c.req.query('period');
    if (period !== undefined && !CANONICAL_PERIOD.test(period)) return badPeriod(c, period);
    return c.json(await publicationsFor(deps).list(period));
  });

  app.get('/api/publications/:period', async (c) => {
    if (!mayRead(c.get('principal'))) return forbidden(c, 'Tài khoản này không xem được kết quả công bố', 'This account may not read publications');
    const period = c.req.param('period');
    if (!CANONICAL_PERIOD.test(period)) return badPeriod(c, period);
    const version = versionOf(c.req.query('version'));
    if (version === null) return problem(c, { status: 400, code: 'INVALID_VERSION', vi: 'version là số phiên bản (1, 2, …)', en: 'version is a version number (1, 2, …)' });
    const publication = await publicationsFor(deps).get(period, version);
    return publication ? c.json(publication) : notPublished(c, period);
  });

  // An official results table (the body: the file itself, ?file=name.xlsx) beside the lake's figures.
  app.post('/api/publications/:period/reconcile', async (c) => {
    if (!mayPublish(c.get('principal'))) return forbidden(c, 'Chỉ chuyên viên phân tích hoặc quản trị được đối chiếu kết quả', 'Only analysts or administrators may reconcile results');
    const period = c.req.param('period');
    if (!CANONICAL_PERIOD.test(period)) return badPeriod(c, period);
    const fileName = (c.req.query('file') ?? 'bang-ket-qua.xlsx').slice(0, 200);
    try {
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      return c.json(await reconcileFile({ bytes, fileName, period }, { read: publicationsReader(deps), catalog: deps.catalog }));
    } catch (error) {
      if (error instanceof PublicationError) return problem(c, { status: error.status, code: error.code, vi: error.vi, en: error.en });
      throw error;
    }
  });

  // The decision's annex: of a published version, or a draft of today's figures (decision fields given).
  app.get('/api/publications/:period/annex', async (c) => {
    if (!mayRead(c.get('principal'))) return forbidden(c, 'Tài khoản này không xem được kết quả công bố', 'This account may not read publications');
    return annexResponse(c, deps);
  });
}

/**
 * The annex of /…/:period/annex?format=pdf|xlsx&version=N (or draft=1 with the decision's fields):
 * the API's and the publication page's download, once. The caller has checked who asks.
 */
export async function annexResponse(c: Context, deps: HttpDeps): Promise<Response> {
  const period = c.req.param('period') ?? '';
  if (!CANONICAL_PERIOD.test(period)) return badPeriod(c, period);
  const format = c.req.query('format') ?? 'pdf';
  if (format !== 'pdf' && format !== 'xlsx') return problem(c, { status: 400, code: 'INVALID_FORMAT', vi: 'format là pdf hoặc xlsx', en: 'format is pdf or xlsx' });
  const version = versionOf(c.req.query('version'));
  if (version === null) return problem(c, { status: 400, code: 'INVALID_VERSION', vi: 'version là số phiên bản (1, 2, …)', en: 'version is a version number (1, 2, …)' });
  let input: AnnexInput;
  if (c.req.query('draft') === '1') {
    const service = publicationsFor(deps);
    const draft = await service.draft(period, {
      number: c.req.query('decision_number') ?? '', date: c.req.query('decision_date') ?? deps.today(), issuingBody: c.req.query('issuing_body') ?? '',
    });
    if ('error' in draft) return problem(c, { status: draft.error.status, code: draft.error.code, vi: draft.error.vi, en: draft.error.en });
    input = { ...draft, draft: true, place: c.req.query('place') ?? '' };
  } else {
    const publication = await publicationsFor(deps).get(period, version);
    if (!publication) return notPublished(c, period);
    input = { ...publication, draft: false, place: c.req.query('place') ?? '' };
  }
  const annex = await lazy.annex();
  const stem = `phu-luc-xep-hang-${period}${input.draft ? '-du-thao' : `-v${input.version}`}`;
  const bytes = format === 'xlsx' ? await annex.annexXlsx(input) : await annex.annexPdf(input);
  c.header('Content-Type', format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'application/pdf');
  c.header('Content-Disposition', `attachment; filename="${stem}.${format}"`);
  return c.body(bytes as Uint8Array<ArrayBuffer>);
}
