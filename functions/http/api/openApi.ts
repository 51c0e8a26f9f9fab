import type { ParamType, SavedQuery } from '../../domain/queries/savedQueries.ts';

const SCHEMA: Record<ParamType, object> = {
  period: { type: 'string', pattern: '^\\d{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$', example: '2024-Q4' },
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
  for (const q of queries.values()) {
    paths[`/api/queries/${q.name}`] = {
      get: {
        summary: `${q.title.vi} / ${q.title.en}`,
        description: q.description.en,
        parameters: [
          ...q.params.map((p) => ({ name: p.name, in: 'query', required: p.required, description: `${p.description.vi} / ${p.description.en}`, schema: { ...SCHEMA[p.type], ...(p.allowed ? { enum: p.allowed } : {}), ...(p.default !== null ? { default: p.default } : {}) } })),
          { name: 'format', in: 'query', schema: { enum: ['json', 'csv', 'xlsx', 'arrow'], default: 'json' } },
        ],
        responses: {
          200: { description: q.columns.map((c) => c.name).join(', ') },
          304: { description: 'not modified (ETag)' },
          400: { description: 'invalid parameters', content: { 'application/json': { schema: error } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'chiso', version: '0.1.0', description: 'Digital-transformation indicators: saved queries and submissions' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message_vi: { type: 'string' }, message_en: { type: 'string' } } } } } },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
