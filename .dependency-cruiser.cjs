/**
 * The layers of chiso, lowest first. A module may import its own layer and those below it,
 * never one above; no import circles anywhere. `npm run check:layers` (also in `npm test`).
 *   domain (+ schemas/records.ts) → ports → adapters → services → http → runtimes
 * infra/ (the CDK app) stands beside the runtimes and may read only domain, schemas and the
 * asset-file adapters: it must not pull an engine, a store or the HTTP app into synthesis.
 */
const LAYERS = [
  ['domain', '^(functions/domain/|schemas/)'],
  ['ports', '^functions/ports/'],
  ['adapters', '^functions/adapters/'],
  ['services', '^functions/services/'],
  ['http', '^functions/http/'],
  ['runtimes', '^functions/runtimes/'],
];

const upward = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `${name}-imports-upward`,
  comment: `${name} may not import a layer above it (${LAYERS.slice(i + 1).map(([n]) => n).join(', ')})`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(i + 1).map(([, p]) => p.slice(1, -1)).join('|').replace(/^/, '^(').concat(')') },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'import circles hide which module owns what', from: {}, to: { circular: true } },
    ...upward,
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'the domain reads no files, network, engine or framework: it is given text and values',
      from: { path: '^(functions/domain/|schemas/)' },
      to: { path: '^(node:)?(fs|fs/promises|child_process|net|http|https)$|@aws-sdk|@duckdb|hono|exceljs|echarts' },
    },
    {
      name: 'infra-reads-only-domain-and-files',
      severity: 'error',
      comment: 'the CDK app synthesises from domain rules and asset files, never from an engine or the app',
      from: { path: '^infra/' },
      to: { path: '^functions/(ports|services|http|runtimes)/|^functions/adapters/(?!files/)' },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'a module nothing imports is dead code (entry points excepted)',
      from: { orphan: true, pathNot: ['\\.d\\.ts$', '^functions/runtimes/', '^infra/app\\.ts$', '\\.test\\.ts$', '^test/', '^bench/', '^scripts/', '^bin/', '\\.dependency-cruiser\\.cjs$', 'vitest\\.config\\.ts$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(test|bench|scripts|bin|cdk\\.out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
