import type { Context, Hono } from 'hono';
import { machineColumns, rowsInScope, scopeRefusal, type Refusal } from '../../domain/access/machineScope.ts';
import type { MachineScope } from '../../domain/access/tokens.ts';
import { CANONICAL_PERIOD } from '../../domain/ingest/parsePeriod.ts';
import { resolveParams } from '../../domain/queries/resolveParams.ts';
import type { SavedQuery } from '../../domain/queries/savedQueries.ts';
import { DICTIONARY_COLUMNS, type DictionaryEntry } from '../../services/dataDictionary.ts';
import {
  currentRows, datasetColumns, dictionaryOfAll, fullScope, isPublishedDataset, periodDatasets, PUBLISHED_DATASETS, publishedRows, rowsCsv,
  type PublishedDataset, type ReadRows, type Row, type SharedRows,
} from '../../services/dataSharing.ts';
import type { Publication } from '../../services/publications.ts';
import { zipStream, type ArchiveEntry } from '../../services/zipStream.ts';
import { problem, publicOrigin, type Env, type HttpDeps } from '../context.ts';
import { toRows } from '../tableRows.ts';
import { publicationsFor } from './publications.ts';

/**
 * /api/data: what the province's data-sharing platform reads (Nghị định 278/2025/NĐ-CP), with a
 * machine account (read-only, a scope of saved queries and units): per period, the published
 * results and the current values as JSON or CSV, a data dictionary, and the whole period as one
 * zip. Analysts may read it too, with every shareable query and unit, to see what is shared.
 */

type DataFormat = 'json' | 'csv';

/** The scope of whoever asks: a machine's own (none: nothing), an analyst's every shareable query and unit; null: not for this account. */
function scopeOf(c: Context<Env>, deps: HttpDeps): MachineScope | null {
  const principal = c.get('principal');
  if (principal.role === 'machine') return principal.scope ?? { queries: [], units: [] };
  return principal.role === 'analyst' ? fullScope(deps.queries) : null;
}

const refuse = (c: Context, r: Refusal) => problem(c, { status: 403, ...r });
const notForAccount = (c: Context) => problem(c, { status: 403, code: 'FORBIDDEN', vi: 'Tài khoản này không đọc được dữ liệu chia sẻ', en: 'This account may not read shared data' });
const badPeriod = (c: Context, period: string) => problem(c, { status: 400, code: 'INVALID_PERIOD', vi: `Kỳ "${period}" không hợp lệ (ví dụ 2026-Q3)`, en: `Period "${period}" is not valid (e.g. 2026-Q3)` });
const badFormat = (c: Context) => problem(c, { status: 400, code: 'INVALID_FORMAT', vi: 'format là json hoặc csv', en: 'format is json or csv' });
const notPublished = (c: Context, period: string) => problem(c, { status: 404, code: 'NOT_PUBLISHED', vi: `Kỳ ${period} chưa được công bố (hoặc không có phiên bản này)`, en: `${period} has not been published (or has no such version)` });
const outOfScope = (c: Context, name: string) => refuse(c, { code: 'OUT_OF_SCOPE', vi: `Dữ liệu ${name} nằm ngoài phạm vi được chia sẻ của tài khoản này`, en: `Dataset ${name} is outside this account's scope` });

function formatOf(c: Context): DataFormat | null {
  const asked = c.req.query('format');
  if (asked) return asked === 'json' || asked === 'csv' ? asked : null;
  return /text\/csv/.test(c.req.header('accept') ?? '') ? 'csv' : 'json';
}

function versionOf(raw: string | undefined): number | undefined | null {
  if (raw === undefined || raw === '') return undefined;
  return /^\d{1,4}$/.test(raw) ? Number(raw) : null;
}

/** A saved query's rows through the runner's cache, with the engine's schema to type the dictionary. */
const readerOf = (deps: HttpDeps): ReadRows => async (query, params) => {
  const { table } = await deps.runner.run(query, params);
  return { rows: toRows(table), schema: table.schema };
};

/** Rows as JSON (an array of objects keyed by column name) or CSV (the API's: BOM, CRLF, column names). */
function answer(c: Context, data: { name: string; columns: { name: string }[]; rows: Row[] }, format: DataFormat, stem: string): Response {
  c.header('Cache-Control', 'private, no-cache');
  c.header('Vary', 'Authorization, Accept');
  if (format === 'json') return c.json(data.rows);
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${stem.replace(/[^\w.-]+/g, '-')}.csv"`);
  return c.body(rowsCsv(data.columns.map((col) => col.name), data.rows));
}

/** What a period's published and current datasets are for this scope, and the publication if any. */
async function periodPlan(deps: HttpDeps, scope: MachineScope, period: string, version?: number) {
  const publication = await publicationsFor(deps).get(period, version);
  const published = (Object.keys(PUBLISHED_DATASETS) as PublishedDataset[]).filter((name) => scope.queries.includes(name) && deps.queries.has(name) && !scopeRefusal(scope, deps.queries.get(name)!, {}));
  return { publication, published: publication ? published : [], current: periodDatasets(scope, deps.queries) };
}

/** The engine's schema of a query's answer for the period (for the dictionary's types): one run, the first unit for a query of one unit. */
async function schemaFor(deps: HttpDeps, scope: MachineScope, query: SavedQuery, period: string) {
  const unitParam = query.params.find((p) => p.type === 'unit' && p.required && p.default === null);
  const unit = unitParam ? (scope.units === 'all' ? deps.catalog.catalog.units[0]?.code : scope.units[0]) : undefined;
  if (unitParam && !unit) return null;
  const raw: Record<string, string> = { period, ...(unitParam ? { [unitParam.name]: unit! } : {}) };
  const { table } = await deps.runner.run(query, resolveParams(query, raw, deps.catalog, deps.today()));
  return table.schema;
}

const publishedOf = (deps: HttpDeps, scope: MachineScope, publication: Publication, dataset: PublishedDataset, schema: Awaited<ReturnType<typeof schemaFor>>) =>
  publishedRows(publication, dataset, deps.queries.get(dataset)!, scope, schema);

const current = (deps: HttpDeps, scope: MachineScope, query: SavedQuery, period: string) =>
  currentRows({ read: readerOf(deps), catalog: deps.catalog, today: deps.today() }, scope, query, period);

interface DictionaryDoc {
  period: string;
  datasets: { dataset: string; kind: 'published' | 'current'; file: string; title_vi: string; title_en: string; description_vi: string; description_en: string }[];
  columns: DictionaryEntry[];
}

/** A dataset's name in the dictionary and the archive: `published/dti_ranking`, `current/unit_report` (the tail of its URL). */
const datasetId = (kind: 'published' | 'current', name: string) => `${kind}/${name}`;

function datasetInfo(name: string, kind: 'published' | 'current', query: SavedQuery) {
  const published = kind === 'published';
  return {
    dataset: datasetId(kind, name), kind, file: `${datasetId(kind, name)}.csv`,
    title_vi: published ? `${query.title.vi} (đã công bố theo quyết định)` : query.title.vi,
    title_en: published ? `${query.title.en} (as published by the decision)` : query.title.en,
    description_vi: query.description.vi, description_en: query.description.en,
  };
}

const dictionaryCsv = (entries: DictionaryEntry[]) => rowsCsv(DICTIONARY_COLUMNS, entries as unknown as Row[]);

function readme(lines: { source: string; period: string; generatedAt: string; publication: Publication | null; scope: MachineScope; files: string[] }): string {
  const p = lines.publication;
  return [
    'chiso — dữ liệu chia sẻ / shared data (Nghị định 278/2025/NĐ-CP)',
    '',
    `Nguồn / Source: ${lines.source}`,
    `Kỳ / Period: ${lines.period}`,
    `Tạo lúc / Generated at: ${lines.generatedAt}`,
    p
      ? `Kết quả công bố / Published results: Quyết định số ${p.decision_number} ngày ${p.decision_date}, ${p.issuing_body} — phiên bản / version ${p.version} (${p.publication_id}), công bố lúc / published at ${p.published_at}`
      : 'Kết quả công bố / Published results: kỳ này chưa công bố / this period has not been published',
    `Phạm vi / Scope: truy vấn / queries ${lines.scope.queries.join(', ') || '-'}; đơn vị / units ${lines.scope.units === 'all' ? 'tất cả / all' : lines.scope.units.join(', ') || '-'}`,
    '',
    'published/*.csv: số liệu đã công bố, giữ nguyên như lúc công bố / the figures as published, frozen',
    'current/*.csv: số liệu hiện hành (đã duyệt) tại thời điểm tạo / current (approved) values when generated',
    'dictionary.csv, dictionary.json: tên cột, kiểu, đơn vị tính, ý nghĩa (vi, en) / column names, types, units, meaning (vi, en)',
    'CSV: UTF-8 có BOM, dấu phẩy, CRLF / UTF-8 with BOM, comma-separated, CRLF',
    '',
    'Tệp / Files:',
    ...lines.files.map((f) => `  ${f}`),
    '',
  ].join('\r\n');
}

/** The API's routes of shared data. */
export function registerDataSharingApi(app: Hono<Env>, deps: HttpDeps): void {
  app.get('/api/data', async (c) => {
    const scope = scopeOf(c, deps);
    if (!scope) return notForAccount(c);
    const datasets = scope.queries.map((n) => deps.queries.get(n)).filter((q): q is SavedQuery => Boolean(q) && !scopeRefusal(scope, q!, {}));
    const perPeriod = new Set(periodDatasets(scope, deps.queries).map((q) => q.name));
    const publications = (await publicationsFor(deps).list()).map((p) => ({
      period: p.period, version: p.version, publication_id: p.publication_id, decision_number: p.decision_number, decision_date: p.decision_date, issuing_body: p.issuing_body, published_at: p.published_at,
    }));
    return c.json({
      scope,
      datasets: datasets.map((q) => ({
        name: q.name, title: q.title, description: q.description, params: q.params.map((p) => ({ name: p.name, type: p.type, required: p.required })),
        per_period: perPeriod.has(q.name), published: isPublishedDataset(q.name), query_url: `/api/queries/${q.name}`,
        ...(perPeriod.has(q.name) ? { current_url: `/api/data/{period}/current/${q.name}` } : {}),
        ...(isPublishedDataset(q.name) ? { published_url: `/api/data/{period}/published/${q.name}` } : {}),
      })),
      publications,
      dictionary_url: '/api/data/{period}/dictionary',
      export_url: '/api/data/{period}/export.zip',
    });
  });

  app.get('/api/data/:period/published/:dataset', async (c) => {
    const scope = scopeOf(c, deps);
    if (!scope) return notForAccount(c);
    const { period, dataset } = c.req.param();
    if (!CANONICAL_PERIOD.test(period)) return badPeriod(c, period);
    const query = deps.queries.get(dataset);
    if (!isPublishedDataset(dataset) || !query || scopeRefusal(scope, query, {})) return outOfScope(c, dataset);
    const format = formatOf(c);
    if (!format) return badFormat(c);
    const version = versionOf(c.req.query('version'));
    if (version === null) return problem(c, { status: 400, code: 'INVALID_VERSION', vi: 'version là số phiên bản (1, 2, …)', en: 'version is a version number (1, 2, …)' });
    const publication = await publicationsFor(deps).get(period, version);
    if (!publication) return notPublished(c, period);
    c.header('X-Chiso-Publication-Id', publication.publication_id);
    c.header('X-Chiso-Publication-Version', String(publication.version));
    return answer(c, publishedOf(deps, scope, publication, dataset, null), format, `${dataset}_${publication.publication_id}`);
  });

  app.get('/api/data/:period/current/:dataset', async (c) => {
    const scope = scopeOf(c, deps);
    if (!scope) return notForAccount(c);
    const { period, dataset } = c.req.param();
    if (!CANONICAL_PERIOD.test(period)) return badPeriod(c, period);
    const query = periodDatasets(scope, deps.queries).find((q) => q.name === dataset);
    if (!query) return outOfScope(c, dataset);
    const format = formatOf(c);
    if (!format) return badFormat(c);
    return answer(c, await current(deps, scope, query, period), format, `${dataset}_${period}`);
  });

  app.get('/api/data/:period/dictionary', async (c) => {
    const scope = scopeOf(c, deps);
    if (!scope) return notForAccount(c);
    const { period } = c.req.param();
    if (!CANONICAL_PERIOD.test(period)) return badPeriod(c, period);
    const format = formatOf(c);
    if (!format) return badFormat(c);
    const doc = await dictionaryDoc(deps, scope, period);
    if (format === 'json') return c.json(doc);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="dictionary_${period}.csv"`);
    return c.body(dictionaryCsv(doc.columns));
  });

  app.get('/api/data/:period/export.zip', async (c) => {
    const scope = scopeOf(c, deps);
    if (!scope) return notForAccount(c);
    const { period } = c.req.param();
    if (!CANONICAL_PERIOD.test(period)) return badPeriod(c, period);
    const version = versionOf(c.req.query('version'));
    if (version === null) return problem(c, { status: 400, code: 'INVALID_VERSION', vi: 'version là số phiên bản (1, 2, …)', en: 'version is a version number (1, 2, …)' });
    const plan = await periodPlan(deps, scope, period, version);
    if (version !== undefined && !plan.publication) return notPublished(c, period);
    const generatedAt = deps.now();
    const source = `chiso, ${publicOrigin(c, deps)}${deps.registryVersion ? ` (danh mục / registry ${deps.registryVersion()})` : ''}`;
    c.header('Content-Type', 'application/zip');
    c.header('Content-Disposition', `attachment; filename="chiso-${period}.zip"`);
    c.header('Cache-Control', 'private, no-store');
    return c.body(zipStream(exportEntries(deps, scope, period, plan, { source, generatedAt }), generatedAt));
  });
}

/** The dictionary of a period's datasets in scope: the published ones, then the current ones. */
async function dictionaryDoc(deps: HttpDeps, scope: MachineScope, period: string): Promise<DictionaryDoc> {
  const plan = await periodPlan(deps, scope, period);
  const doc: DictionaryDoc = { period, datasets: [], columns: [] };
  for (const name of plan.published) {
    const query = deps.queries.get(name)!;
    doc.datasets.push(datasetInfo(name, 'published', query));
    doc.columns.push(...dictionaryOfAll([{ name: datasetId('published', name), columns: machineColumns(query), schema: await schemaFor(deps, scope, query, period) }]));
  }
  for (const query of plan.current) {
    doc.datasets.push(datasetInfo(query.name, 'current', query));
    doc.columns.push(...dictionaryOfAll([{ name: datasetId('current', query.name), columns: datasetColumns(query), schema: await schemaFor(deps, scope, query, period) }]));
  }
  return doc;
}

/**
 * The archive's entries, each made when the archive reaches it: one dataset's rows are held at a
 * time (and the engine's cached answer), then the dictionary of all and the README.
 */
async function* exportEntries(
  deps: HttpDeps, scope: MachineScope, period: string, plan: Awaited<ReturnType<typeof periodPlan>>, about: { source: string; generatedAt: Date },
): AsyncGenerator<ArchiveEntry> {
  const doc: DictionaryDoc = { period, datasets: [], columns: [] };
  const files: string[] = [];
  const add = (kind: 'published' | 'current', query: SavedQuery, data: SharedRows): ArchiveEntry => {
    const info = datasetInfo(data.name, kind, query);
    doc.datasets.push(info);
    doc.columns.push(...dictionaryOfAll([{ ...data, name: info.dataset }]));
    files.push(info.file);
    return { name: info.file, body: rowsCsv(data.columns.map((col) => col.name), data.rows) };
  };
  for (const name of plan.published) {
    const query = deps.queries.get(name)!;
    yield add('published', query, publishedOf(deps, scope, plan.publication!, name, await schemaFor(deps, scope, query, period)));
  }
  for (const query of plan.current) {
    const data = await current(deps, scope, query, period);
    yield add('current', query, { ...data, schema: data.schema ?? await schemaFor(deps, scope, query, period) });
  }
  yield { name: 'dictionary.csv', body: dictionaryCsv(doc.columns) };
  yield { name: 'dictionary.json', body: `${JSON.stringify(doc, null, 2)}\n` };
  files.push('dictionary.csv', 'dictionary.json');
  yield { name: 'README.txt', body: readme({ source: about.source, period, generatedAt: about.generatedAt.toISOString(), publication: plan.publication, scope, files }) };
}

/** GET /api/queries for a machine: the saved queries of its scope only. */
export function machineQueryList(c: Context<Env>, deps: HttpDeps): Response {
  const scope = scopeOf(c, deps)!;
  return c.json(scope.queries.map((n) => deps.queries.get(n)).filter((q): q is SavedQuery => Boolean(q) && !scopeRefusal(scope, q!, {})).map((q) => ({
    name: q.name, title: q.title, description: q.description, params: q.params, columns: machineColumns(q), url: `/api/queries/${q.name}`,
  })));
}

/**
 * GET /api/queries/:name for a machine: a query of its scope, with units of its scope, as JSON or
 * CSV; rows of other units and the analysts' columns are left out here, whatever was asked.
 */
export async function machineQueryAnswer(c: Context<Env>, deps: HttpDeps): Promise<Response> {
  const scope = scopeOf(c, deps)!;
  const name = c.req.param('name') ?? '';
  const query = deps.queries.get(name);
  // An unknown name is answered like one outside the scope: a machine learns nothing of others.
  if (!query || !scope.queries.includes(name)) return outOfScope(c, name);
  const format = formatOf(c);
  if (!format) return badFormat(c);
  const params = resolveParams(query, c.req.query(), deps.catalog, deps.today());
  const refused = scopeRefusal(scope, query, params);
  if (refused) return refuse(c, refused);
  const { rows } = await readerOf(deps)(query, params);
  const columns = machineColumns(query);
  const kept = rowsInScope(scope, query, rows).map((r) => Object.fromEntries(columns.map((col) => [col.name, r[col.name] ?? null])) as Row);
  return answer(c, { name, columns, rows: kept }, format, [name, ...Object.values(params).map(String)].join('_'));
}
