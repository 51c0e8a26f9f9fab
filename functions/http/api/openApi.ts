import type { ParamType, SavedQuery } from '../../domain/queries/savedQueries.ts';

/** A canonical period: a year, a half, a quarter, the nine months (M9) or a month. */
const PERIOD_PATTERN = '^\\d{4}(-(H[12]|Q[1-4]|M9|0[1-9]|1[0-2]))?$';

const SCHEMA: Record<ParamType, object> = {
  period: { type: 'string', pattern: PERIOD_PATTERN, example: '2024-Q4' },
  unit: { type: 'string', example: 'xa-lien-chau' },
  indicator: { type: 'string', example: 'DOC_ONLINE' },
  date: { type: 'string', format: 'date' },
  integer: { type: 'integer' },
  text: { type: 'string', maxLength: 200 },
};

/** OpenAPI 3.1 of the API, its query paths generated from the saved queries. */
export function buildOpenApi(queries: Map<string, SavedQuery>): object {
  const error = { $ref: '#/components/schemas/Error' };
  const paths: Record<string, object> = {
    '/health': { get: { summary: 'Liveness and lake version', security: [], responses: { 200: { description: 'ok' } } } },
    '/api/queries': { get: { summary: 'Saved queries and their parameters', responses: { 200: { description: 'list' } } } },
    '/api/submissions': {
      get: { summary: 'Submissions (staff: their own)', parameters: [{ name: 'status', in: 'query', schema: { enum: ['accepted', 'rejected'] } }], responses: { 200: { description: 'list' } } },
      put: {
        summary: 'Submit a report (.xlsx or .csv) as the request body',
        parameters: [{ name: 'filename', in: 'query', required: true, schema: { type: 'string' } }],
        requestBody: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        responses: { 201: { description: 'accepted' }, 200: { description: 'the same file was accepted before' }, 422: { description: 'rejected, with errors' }, 413: { description: 'too large', content: { 'application/json': { schema: error } } } },
      },
    },
    '/api/submissions/{id}': { get: { summary: 'One submission as its submitter was answered', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'result' }, 404: { description: 'not found' } } } },
  };
  Object.assign(paths, publicationPaths(error), dataSharingPaths(error));
  for (const q of queries.values()) {
    paths[`/api/queries/${q.name}`] = {
      get: {
        summary: `${q.title.vi} / ${q.title.en}`,
        // A query kept to some roles says so: other accounts are answered 403, never its rows.
        description: q.audience ? `Only for: ${q.audience.join(', ')}. ${q.description.en}` : q.description.en,
        ...(q.audience ? { 'x-audience': q.audience } : {}),
        parameters: [
          ...q.params.map((p) => ({ name: p.name, in: 'query', required: p.required, description: `${p.description.vi} / ${p.description.en}`, schema: { ...SCHEMA[p.type], ...(p.allowed ? { enum: p.allowed } : {}), ...(p.default !== null ? { default: p.default } : {}) } })),
          { name: 'format', in: 'query', schema: { enum: ['json', 'csv', 'xlsx', 'arrow'], default: 'json' } },
        ],
        responses: {
          200: { description: q.columns.map((c) => c.name).join(', ') },
          304: { description: 'not modified (ETag)' },
          400: { description: 'invalid parameters', content: { 'application/json': { schema: error } } },
          ...(q.audience ? { 403: { description: `refused to any role but ${q.audience.join(', ')}`, content: { 'application/json': { schema: error } } } } : {}),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'chiso', version: '0.1.0', description: 'Digital-transformation indicators: saved queries and submissions' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message_vi: { type: 'string' }, message_en: { type: 'string' } } } } },
        DictionaryEntry: {
          type: 'object',
          description: 'One column of one dataset / Một cột của một bộ dữ liệu',
          properties: {
            dataset: { type: 'string' }, column: { type: 'string' },
            type: { enum: ['string', 'integer', 'number', 'boolean', 'date', 'timestamp'] },
            unit: { type: 'string', description: "percent | count | points | days | rank | indicator (the indicator's own measure), or empty" },
            unit_vi: { type: 'string' }, unit_en: { type: 'string' }, meaning_vi: { type: 'string' }, meaning_en: { type: 'string' },
          },
          required: ['dataset', 'column', 'type', 'unit', 'unit_vi', 'unit_en', 'meaning_vi', 'meaning_en'],
        },
        Publication: {
          type: 'object',
          properties: {
            publication_id: { type: 'string', example: '2026-Q3-v001' }, period: { type: 'string' }, version: { type: 'integer' },
            decision_number: { type: 'string', example: '469/QĐ-UBND' }, decision_date: { type: 'string', format: 'date' }, issuing_body: { type: 'string' },
            note: { type: ['string', 'null'] }, published_by: { type: 'string' }, published_by_name: { type: 'string' }, published_at: { type: 'string', format: 'date-time' },
            registry_version: { type: ['string', 'null'] }, lake_version: { type: ['string', 'null'] }, units: { type: 'integer' },
          },
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

const periodIn = (where: 'path' | 'query', required = where === 'path') => ({ name: 'period', in: where, required, schema: { type: 'string', pattern: PERIOD_PATTERN, example: '2026-Q3' } });
const versionParam = { name: 'version', in: 'query', required: false, description: 'Publication version (default: the latest) / Phiên bản công bố (mặc định: mới nhất)', schema: { type: 'integer', minimum: 1 } };
const jsonOrCsv = { name: 'format', in: 'query', required: false, schema: { enum: ['json', 'csv'], default: 'json' } };
const refused = (error: object, what: string) => ({ description: what, content: { 'application/json': { schema: error } } });

/** /api/publications: a period's DTI results published by a decision, its versions, its annex, a reconciliation. */
function publicationPaths(error: object): Record<string, object> {
  const publication = { $ref: '#/components/schemas/Publication' };
  return {
    '/api/publications': {
      get: {
        summary: 'Publications, newest first (analysts, administrators, appraisers) / Các lần công bố kết quả',
        parameters: [periodIn('query')],
        responses: { 200: { description: 'versions', content: { 'application/json': { schema: { type: 'array', items: publication } } } }, 400: refused(error, 'invalid period'), 403: refused(error, 'not for this account') },
      },
      post: {
        summary: "Publish a period's results by a decision (analysts, administrators): a new version / Công bố kết quả một kỳ theo quyết định",
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['period', 'decision_number', 'decision_date', 'issuing_body'], properties: { period: { type: 'string', pattern: PERIOD_PATTERN }, decision_number: { type: 'string', maxLength: 60 }, decision_date: { type: 'string', format: 'date' }, issuing_body: { type: 'string', maxLength: 200 }, note: { type: 'string', maxLength: 1000 } } } } },
        },
        responses: { 201: { description: 'published', content: { 'application/json': { schema: publication } } }, 400: refused(error, 'invalid decision, every problem at once'), 403: refused(error, 'not for this account'), 409: refused(error, 'nothing scored for the period, or publishers racing') },
      },
    },
    '/api/publications/{period}': {
      get: {
        summary: "One version whole: the frozen ranking and every unit's score card / Một phiên bản công bố",
        parameters: [periodIn('path'), versionParam],
        responses: { 200: { description: 'the publication with `ranking` and `scorecards`', content: { 'application/json': { schema: { allOf: [publication, { type: 'object', properties: { ranking: { type: 'array', items: { type: 'object' } }, scorecards: { type: 'array', items: { type: 'object' } } } }] } } } }, 400: refused(error, 'invalid period or version'), 403: refused(error, 'not for this account'), 404: refused(error, 'not published') },
      },
    },
    '/api/publications/{period}/annex': {
      get: {
        summary: "The decision's annex (.pdf or .xlsx), of a version or a draft of today's figures / Phụ lục kèm theo quyết định",
        parameters: [
          periodIn('path'), versionParam,
          { name: 'format', in: 'query', required: false, schema: { enum: ['pdf', 'xlsx'], default: 'pdf' } },
          { name: 'draft', in: 'query', required: false, schema: { enum: ['1'] } },
          { name: 'decision_number', in: 'query', required: false, schema: { type: 'string' } },
          { name: 'decision_date', in: 'query', required: false, schema: { type: 'string', format: 'date' } },
          { name: 'issuing_body', in: 'query', required: false, schema: { type: 'string' } },
          { name: 'place', in: 'query', required: false, schema: { type: 'string' } },
        ],
        responses: {
          200: { description: 'the annex', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } } },
          400: refused(error, 'invalid period, format or version'), 403: refused(error, 'not for this account'), 404: refused(error, 'not published'),
        },
      },
    },
    '/api/publications/{period}/reconcile': {
      post: {
        summary: 'An official results table (.xlsx annex or CSV) beside the lake, unit by unit (analysts, administrators) / Đối chiếu bảng kết quả đã công bố',
        parameters: [periodIn('path'), { name: 'file', in: 'query', required: false, description: 'the file name (its extension says its kind)', schema: { type: 'string', default: 'bang-ket-qua.xlsx' } }],
        requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        responses: { 200: { description: 'published vs computed, unit by unit' }, 400: refused(error, 'unreadable table or invalid period'), 403: refused(error, 'not for this account') },
      },
    },
  };
}

/**
 * /api/data: what the province's data-sharing platform reads (Nghị định 278/2025/NĐ-CP) with a
 * read-only machine account limited to a scope of saved queries and units.
 */
function dataSharingPaths(error: object): Record<string, object> {
  const rows = { type: 'array', items: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'null'] } } };
  const datasetParam = (description: string) => ({ name: 'dataset', in: 'path', required: true, description, schema: { type: 'string', example: 'dti_ranking' } });
  const scopeRefusals = { 403: refused(error, 'outside the account\'s scope (OUT_OF_SCOPE), or not for this account'), 400: refused(error, 'invalid period, version or format') };
  const table = { 200: { description: 'rows of the units in scope, without analysts-only columns', content: { 'application/json': { schema: rows }, 'text/csv': { schema: { type: 'string' } } } } };
  return {
    '/api/data': {
      get: {
        summary: "Shared data: the account's scope, its datasets, the periods published / Dữ liệu chia sẻ: phạm vi, bộ dữ liệu, các kỳ đã công bố",
        description: 'For machine accounts (read-only; `chiso token create --role machine --queries a,b --units x,y|all`) and analysts. A machine account may only GET /api/data… and /api/queries… of its scope: anything else, any page, any write, is 403.',
        responses: { 200: { description: 'scope, datasets (with their URLs), publications' }, 403: refused(error, 'not for this account') },
      },
    },
    '/api/data/{period}/published/{dataset}': {
      get: {
        summary: 'Published results of a period as frozen by the decision / Kết quả đã công bố của một kỳ',
        description: 'dataset: dti_ranking (the ranking) or dti_scorecards (every unit\'s score card). Headers X-Chiso-Publication-Id and X-Chiso-Publication-Version name the version.',
        parameters: [periodIn('path'), datasetParam('dti_ranking | dti_scorecards'), versionParam, jsonOrCsv],
        responses: { ...table, ...scopeRefusals, 404: refused(error, 'not published') },
      },
    },
    '/api/data/{period}/current/{dataset}': {
      get: {
        summary: "Current (approved) values of a saved query of the scope for a period / Số liệu hiện hành của một kỳ",
        description: 'dataset: a saved query of the scope taking a period (a query of one unit is asked for each unit in scope, its rows led by `unit`). Values waiting for approval are never included.',
        parameters: [periodIn('path'), datasetParam('a saved query of the scope'), jsonOrCsv],
        responses: { ...table, ...scopeRefusals },
      },
    },
    '/api/data/{period}/dictionary': {
      get: {
        summary: "Data dictionary of the period's datasets: columns, types, units, meaning in vi and en / Từ điển dữ liệu",
        parameters: [periodIn('path'), jsonOrCsv],
        responses: {
          200: {
            description: 'datasets and their columns',
            content: {
              'application/json': { schema: { type: 'object', properties: { period: { type: 'string' }, datasets: { type: 'array', items: { type: 'object' } }, columns: { type: 'array', items: { $ref: '#/components/schemas/DictionaryEntry' } } } } },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          ...scopeRefusals,
        },
      },
    },
    '/api/data/{period}/export.zip': {
      get: {
        summary: 'The whole period as one zip / Toàn bộ dữ liệu một kỳ trong một tệp nén',
        description: 'published/<dataset>.csv and current/<dataset>.csv (one CSV per dataset in scope), dictionary.csv, dictionary.json and README.txt (source, period, generated at, the decision). Streamed as it is made.',
        parameters: [periodIn('path'), versionParam],
        responses: { 200: { description: 'the archive', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } }, ...scopeRefusals, 404: refused(error, 'no such publication version') },
      },
    },
  };
}
