/**
 * The AWS path end to end, on this machine: the CDK app synthesised with its functions bundled,
 * the *bundled* ingest function fed real S3 event records for every demo file against s3rver on
 * loopback, Glue partitions recorded, then the *bundled* query function asked every saved query
 * over a Function URL event, with Athena played by DuckDB: the exact SQL and execution parameters
 * the function sends run over the objects found at the S3 locations the template's Glue tables
 * declare (kpi_values: only the partitions the ingest function registered). Each answer must equal
 * the local path's answer on the same demo files.
 *
 *   npm run test:aws-e2e   (also run by npm test, through test/aws/e2e.test.ts)
 */
import {
  AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type ColumnInfo, type Row,
} from '@aws-sdk/client-athena';
import { BatchCreatePartitionCommand, GetTableCommand, GlueClient, type PartitionInput } from '@aws-sdk/client-glue';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import { App } from 'aws-cdk-lib';
import type { S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import S3rver from 's3rver';
import { ROW_TABLES } from '../../schemas/records.ts';
import { ChisoStack } from '../../infra/ChisoStack.ts';
import { loadSavedQueries, SQL_DIR } from '../../functions/adapters/files/sqlFiles.ts';
import { S3ObjectStore } from '../../functions/adapters/stores/S3ObjectStore.ts';
import { audienceAdmits, type SavedQuery } from '../../functions/domain/queries/savedQueries.ts';
import { createTokenStore } from '../../functions/services/accessStore.ts';
import { loadDemoOnce } from '../../functions/services/loadDemo.ts';
import { composeQuery } from '../../functions/runtimes/compose.ts';
import { e2eLeaderPdf } from './e2eLeaderPdf.ts';
import { e2eProvince } from './e2eProvince.ts';
import { strictS3rver } from '../helpers/strictS3rver.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOSTILE = join(ROOT, 'test/helpers/hostile_xlsx.py');
const DEMO = join(ROOT, 'demo');
const REGION = 'ap-southeast-1';
const BUCKETS = { Uploads: 'chiso-uploads', Lake: 'chiso-lake', AthenaResults: 'chiso-athena-results' };

type Cfn = Record<string, unknown> | unknown[] | string | number | boolean | null;
interface Template { Resources: Record<string, { Type: string; Properties: Record<string, Cfn>; Metadata?: Record<string, string> }> }

/** The demo parameters of a saved query: the example district's latest quarter and its two years. */
export function demoParams(query: SavedQuery): Record<string, string> {
  const byType: Record<string, (name: string) => string> = {
    period: (name) => (name === 'from' ? '2023-Q1' : '2024-Q4'),
    unit: () => 'xa-lien-chau',
    indicator: () => 'DOC_ONLINE',
    date: (name) => (name === 'from' ? '2023-01-01' : name === 'as_of' ? '2024-12-31' : '2025-12-31'),
    integer: () => '10',
    text: () => 'x',
  };
  return Object.fromEntries(query.params.map((p) => [p.name, byType[p.type]!(p.name)]));
}

/** Resolves Ref / Fn::Join / Fn::GetAtt of the template to this run's names. */
function resolver(names: Record<string, string>) {
  const resolve = (value: Cfn): string => {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if ('Ref' in value) {
        const ref = String(value.Ref);
        const hit = Object.entries(names).find(([prefix]) => ref.startsWith(prefix));
        if (!hit) throw new Error(`unresolved Ref ${ref}`);
        return hit[1];
      }
      if ('Fn::Join' in value) {
        const [sep, parts] = value['Fn::Join'] as [string, Cfn[]];
        return parts.map(resolve).join(sep);
      }
      if ('Fn::GetAtt' in value) {
        const [id] = value['Fn::GetAtt'] as [string, string];
        const hit = Object.entries(names).find(([prefix]) => id.startsWith(prefix));
        if (!hit) throw new Error(`unresolved GetAtt ${id}`);
        return `arn:aws:s3:::${hit[1]}`;
      }
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  };
  return resolve;
}

/** `?` placeholders outside strings and comments, replaced by Athena's literal execution parameters. */
export function bindAthenaParameters(sql: string, parameters: string[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < sql.length;) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop); i = stop;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop); i = stop;
    } else if (ch === '?') {
      if (next >= parameters.length) throw new Error('more placeholders than execution parameters');
      out += parameters[next++]; i++;
    } else { out += ch; i++; }
  }
  if (next !== parameters.length) throw new Error(`${parameters.length} execution parameters for ${next} placeholders`);
  return out;
}

const ATHENA_TYPE: Partial<Record<DuckDBTypeId, string>> = {
  [DuckDBTypeId.BOOLEAN]: 'boolean', [DuckDBTypeId.INTEGER]: 'integer', [DuckDBTypeId.SMALLINT]: 'smallint', [DuckDBTypeId.TINYINT]: 'tinyint',
  [DuckDBTypeId.BIGINT]: 'bigint', [DuckDBTypeId.HUGEINT]: 'bigint', [DuckDBTypeId.DOUBLE]: 'double', [DuckDBTypeId.FLOAT]: 'float',
  [DuckDBTypeId.DECIMAL]: 'decimal', [DuckDBTypeId.TIMESTAMP]: 'timestamp', [DuckDBTypeId.TIMESTAMP_MS]: 'timestamp', [DuckDBTypeId.DATE]: 'date',
};

/** A value as Athena's GetQueryResults spells it (VarCharValue). */
function athenaText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  return String(value);
}

/** Athena played by DuckDB over the objects the Glue tables point at. */
async function athenaOverDuckDb(connection: DuckDBConnection, expect: { workGroup: string; database: string }) {
  const mock = mockClient(AthenaClient);
  const executions = new Map<string, { columns: ColumnInfo[]; rows: (string | undefined)[][] }>();
  const sent: { sql: string; parameters: string[] }[] = [];
  mock.on(StartQueryExecutionCommand).callsFake(async (input) => {
    if (input.WorkGroup !== expect.workGroup || input.QueryExecutionContext?.Database !== expect.database) {
      throw new Error(`query sent to workgroup ${input.WorkGroup} / database ${input.QueryExecutionContext?.Database}`);
    }
    const parameters = (input.ExecutionParameters ?? []) as string[];
    sent.push({ sql: input.QueryString!, parameters });
    const reader = await connection.runAndReadAll(bindAthenaParameters(input.QueryString!, parameters));
    const types = reader.columnTypes();
    const columns = reader.columnNames().map((name, i) => ({ Name: name, Type: ATHENA_TYPE[types[i]!.typeId] ?? 'varchar' }));
    const rows = reader.getRowsJS().map((row) => row.map(athenaText));
    const id = `q${executions.size + 1}`;
    executions.set(id, { columns, rows });
    return { QueryExecutionId: id };
  });
  mock.on(GetQueryExecutionCommand).callsFake(async (input) => ({ QueryExecution: { QueryExecutionId: input.QueryExecutionId, Status: { State: executions.has(input.QueryExecutionId!) ? 'SUCCEEDED' : 'FAILED' } } }));
  mock.on(GetQueryResultsCommand).callsFake(async (input) => {
    const result = executions.get(input.QueryExecutionId!)!;
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const size = input.MaxResults ?? 1000;
    const header: Row[] = start === 0 ? [{ Data: result.columns.map((c) => ({ VarCharValue: c.Name })) }] : [];
    // Athena's first page carries the header row within MaxResults.
    const take = start === 0 ? size - 1 : size;
    const rows = result.rows.slice(start, start + take).map((r) => ({ Data: r.map((v) => (v === undefined ? {} : { VarCharValue: v })) }));
    const more = start + take < result.rows.length;
    return { ResultSet: { ResultSetMetadata: { ColumnInfo: result.columns }, Rows: [...header, ...rows] }, NextToken: more ? String(start + take) : undefined };
  });
  return { mock, sent };
}

/** A Lambda Function URL request (payload 2.0). */
function urlEvent(path: string, query: Record<string, string>, token: string) {
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0', routeKey: '$default', rawPath: path, rawQueryString, cookies: [],
    headers: { authorization: `Bearer ${token}`, host: 'abc.lambda-url.ap-southeast-1.on.aws', 'x-forwarded-proto': 'https' },
    queryStringParameters: query,
    requestContext: {
      accountId: 'anonymous', apiId: 'abc', domainName: 'abc.lambda-url.ap-southeast-1.on.aws', domainPrefix: 'abc', requestId: 'r', routeKey: '$default', stage: '$default', time: '', timeEpoch: 0,
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'e2e' },
    },
    isBase64Encoded: false,
  };
}

/** What a Function URL takes and gives in one request: 6 MB of payload each way (a binary body base64-encoded in it). */
export const FUNCTION_URL_MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * The query function as its Function URL hands it requests: an event over the payload cap never
 * reaches the function (the caller gets AWS's own bare 413, no page of the app's), and a response
 * over it never reaches the caller (a bare 502).
 */
function behindFunctionUrl<R>(handler: (e: unknown, c: unknown) => Promise<R>) {
  const bare = (statusCode: number, message: string) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Message: message }) }) as R;
  return async (event: unknown, context: unknown): Promise<R> => {
    const http = typeof (event as { body?: unknown }).body === 'string' || 'requestContext' in (event as object);
    if (http && Buffer.byteLength(JSON.stringify(event), 'utf8') > FUNCTION_URL_MAX_PAYLOAD_BYTES) return bare(413, 'Request Entity Too Large');
    const response = await handler(event, context);
    if (http && Buffer.byteLength(JSON.stringify(response), 'utf8') > FUNCTION_URL_MAX_PAYLOAD_BYTES) return bare(502, 'Response payload size exceeded maximum allowed payload size');
    return response;
  };
}

/** Submission ids are "<submitted_at>-<random>": the random part differs between two runs. */
const normalise = (rows: unknown) => JSON.parse(JSON.stringify(rows), (_k, v) => (typeof v === 'string' ? v.replace(/^(\d{8}T\d{9}Z)-[0-9a-f]{8}$/, '$1') : v));

export interface E2eReport {
  lines: string[];
  equal: number;
  total: number;
  emptyScorecardUnits: number;
  objectsPerTable: Record<string, number>;
  partitionsRegistered: number;
  /** Objects (manifests and Parquet files) each saved query opens, before and after compaction. */
  objectsRead: Record<'before' | 'after', Record<string, number>>;
  /**
   * A workbook past the readers' caps (600,000 cell formats in its styles part), sent to each
   * bundled function: the ingest function's answer (an S3 event) and the query function's (PUT).
   */
  hostile: { ingest: { status: string; codes: string[] }; upload: { httpStatus: number; codes: string[] } };
}

export async function runAwsE2e(): Promise<E2eReport> {
  const work = mkdtempSync(join(tmpdir(), 'chiso-aws-e2e-'));
  const mocks: { restore(): void }[] = [];
  let server: S3rver | null = null;
  const savedEnv = { ...process.env };
  // The functions log a JSON line per file, as to CloudWatch: kept apart from this report.
  const log = console.log;
  const functionLogs: string[] = [];
  console.log = (...args: unknown[]) => { functionLogs.push(args.map(String).join(' ')); };
  try {
    // 1. Synthesise: functions bundled by the local esbuild, as `cdk synth` does.
    const outdir = join(work, 'cdk.out');
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new ChisoStack(app, 'Chiso', { env: { account: '111111111111', region: REGION } });
    const template = app.synth().getStackByName(stack.stackName).template as Template;
    // Lambda's runtime provides the AWS SDK, left out of the bundles: here, the repository's copy.
    symlinkSync(join(ROOT, 'node_modules'), join(outdir, 'node_modules'));
    const resources = Object.entries(template.Resources);
    const fn = (prefix: string) => {
      const [, r] = resources.find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(prefix))!;
      return { dir: join(outdir, r.Metadata!['aws:asset:path']!), env: (r.Properties.Environment as { Variables: Record<string, Cfn> }).Variables };
    };
    const secretArn = 'arn:aws:secretsmanager:ap-southeast-1:111111111111:secret:LinkSigningKey';
    const resolve = resolver({ ...BUCKETS, LinkSigningKey: secretArn });
    const workGroup = resources.find(([, r]) => r.Type === 'AWS::Athena::WorkGroup')![1].Properties.Name as string;
    const database = (resources.find(([, r]) => r.Type === 'AWS::Glue::Database')![1].Properties.DatabaseInput as { Name: string }).Name;
    const tables = resources.filter(([, r]) => r.Type === 'AWS::Glue::Table').map(([, r]) => {
      const input = r.Properties.TableInput as { Name: string; PartitionKeys?: { Name: string }[]; StorageDescriptor: { Location: Cfn; Columns: { Name: string; Type: string }[] } };
      return { name: input.Name, location: resolve(input.StorageDescriptor.Location), columns: input.StorageDescriptor.Columns, partitionKeys: (input.PartitionKeys ?? []).map((k) => k.Name), descriptor: input.StorageDescriptor };
    });

    // 2. S3 on loopback.
    const s3dir = join(work, 's3rver');
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3dir, configureBuckets: Object.values(BUCKETS).map((name) => ({ name, configs: [] })) });
    // As S3 answers: conditional writes, and a browser's POST of a form judged by its signed policy.
    strictS3rver(server);
    const { port } = (await server.run()) as { port: number };
    const endpoint = `http://127.0.0.1:${port}`;
    const s3 = new S3Client({ region: REGION, endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });

    // 3. The functions' environment, from the template.
    const envOf = (vars: Record<string, Cfn>, dir: string) => ({
      ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, resolve(v)])),
      CHISO_ASSETS_DIR: dir, CHISO_S3_ENDPOINT: endpoint, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER',
    });
    const ingestFn = fn('Ingest');
    // No folding inline here: the lake as ingested, then the nightly compaction, are measured apart.
    process.env.CHISO_COMPACT_FROM_OBJECTS = String(Number.MAX_SAFE_INTEGER);
    const queryFn = fn('Query');

    const glue = mockClient(GlueClient);
    mocks.push(glue);
    const kpi = tables.find((t) => t.name === 'kpi_values')!;
    glue.on(GetTableCommand).callsFake(async (input) => {
      const table = tables.find((t) => t.name === input.Name && input.DatabaseName === database);
      if (!table) throw Object.assign(new Error(`no table ${input.Name}`), { name: 'EntityNotFoundException' });
      return { Table: { Name: table.name, DatabaseName: database, StorageDescriptor: { ...kpi.descriptor, Location: table.location } as never } };
    });
    const partitions: PartitionInput[] = [];
    glue.on(BatchCreatePartitionCommand).callsFake(async (input) => {
      const known = new Set(partitions.map((p) => p.Values!.join('/')));
      const Errors = [];
      for (const p of input.PartitionInputList ?? []) {
        if (known.has(p.Values!.join('/'))) Errors.push({ PartitionValues: p.Values, ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'exists' } });
        else partitions.push(p);
      }
      return { Errors };
    });
    const secrets = mockClient(SecretsManagerClient);
    mocks.push(secrets);
    secrets.on(GetSecretValueCommand, { SecretId: secretArn }).resolves({ SecretString: 'e2e-link-signing-key-0123456789abcdef' });

    // 4. The bundled functions, loaded as Lambda loads them. Each reads its environment on its
    //    first invocation; they share this process, so each call gets its own function's.
    Object.assign(process.env, envOf(ingestFn.env, ingestFn.dir));
    const ingest = (await import(pathToFileURL(join(ingestFn.dir, 'index.mjs')).href)) as { handler: (e: S3Event) => Promise<{ status: string; file: string; partitions: { unit: string; period: string }[] }[]> };
    Object.assign(process.env, envOf(queryFn.env, queryFn.dir));
    // The bundle's assets are read relative to CHISO_ASSETS_DIR at import: the query bundle is a copy.
    const bundledQuery = (await import(pathToFileURL(join(queryFn.dir, 'index.mjs')).href)) as { handler: (e: unknown, c: unknown) => Promise<{ statusCode: number; body: string; headers: Record<string, string> }> };
    const queryHandler = { handler: behindFunctionUrl(bundledQuery.handler) };

    const lake = new S3ObjectStore(s3, BUCKETS.Lake);
    const token = await createTokenStore(lake).issue({ name: 'e2e analyst', role: 'analyst', unit: null });
    const queries = loadSavedQueries(SQL_DIR);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const athena = await athenaOverDuckDb(connection, { workGroup, database });
    mocks.push(athena.mock);
    // A query kept to administrators (the audit log) is asked by one, on both paths.
    const adminToken = await createTokenStore(lake).issue({ name: 'e2e admin', role: 'admin', unit: null });
    const ask = async (name: string, params: Record<string, string>, who = token) => {
      const res = await queryHandler.handler(urlEvent(`/api/queries/${name}`, { ...params, format: 'json' }, who), {});
      if (res.statusCode !== 200) throw new Error(`${name}: HTTP ${res.statusCode} ${res.body}`);
      return JSON.parse(res.body) as Record<string, unknown>[];
    };

    /** DuckDB views named as the Glue tables, over what is at their locations now. */
    const mirror = join(work, 'mirror');
    const objectsPerTable: Record<string, number> = {};
    const GLUE_TO_DUCKDB: Record<string, string> = { string: 'VARCHAR', double: 'DOUBLE', int: 'INTEGER', bigint: 'BIGINT', timestamp: 'TIMESTAMP' };
    const defineTables = async (options: { emptyFacts?: boolean } = {}) => {
      for (const table of tables) {
        if (options.emptyFacts && (table.name === 'kpi_values' || table.name === 'submissions')) {
          const cols = [...table.columns.map((c) => `CAST(NULL AS ${GLUE_TO_DUCKDB[c.Type]}) AS ${c.Name}`), ...table.partitionKeys.map((k) => `CAST(NULL AS VARCHAR) AS ${k}`)];
          await connection.run(`CREATE OR REPLACE VIEW ${table.name} AS SELECT ${cols.join(', ')} WHERE false`);
          continue;
        }
        const symlink = String((table.descriptor as { InputFormat?: string }).InputFormat ?? '').includes('SymlinkTextInputFormat');
        // Where Athena looks: each registered partition's location, or the table's.
        const locations = table.partitionKeys.length
          ? partitions.map((p) => ({ values: p.Values!, location: p.StorageDescriptor!.Location! }))
          : [{ values: [] as string[], location: table.location }];
        let objects = 0;
        const selects: string[] = [];
        for (const { values, location } of locations) {
          const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(location)!;
          const listed: string[] = [];
          for await (const o of new S3ObjectStore(s3, bucket!).list(prefix!)) listed.push(o.key);
          objects += listed.length;
          let dataKeys = listed;
          if (symlink) {
            // A symlink table's location holds manifests; each line is a Parquet file to read.
            dataKeys = [];
            for (const key of listed) {
              const text = Buffer.from(await fetchObject(bucket!, key)).toString('utf8');
              for (const uri of text.split('\n').filter(Boolean)) {
                const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
                if (!m || m[1] !== bucket) throw new Error(`${key}: manifest line ${uri} is not in the lake bucket`);
                dataKeys.push(m[2]!);
              }
            }
            objects += dataKeys.length;
          }
          if (dataKeys.length === 0) continue;
          const paths = [];
          for (const key of dataKeys) {
            const path = join(mirror, bucket!, key);
            mkdirSync(dirname(path), { recursive: true });
            writeFileSync(path, await fetchObject(bucket!, key));
            paths.push(path);
          }
          const list = `[${paths.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}]`;
          // Partition values come from Glue, as Athena takes them, not from the files.
          const partitionValues = table.partitionKeys.map((k, i) => `'${values[i]}' AS ${k}`);
          // Quoted: a column may be a DuckDB keyword (admin_audit's `at`).
          selects.push(`SELECT ${[...table.columns.map((c) => `"${c.Name}"`), ...partitionValues].join(', ')} FROM read_parquet(${list})`);
        }
        objectsPerTable[table.name] = objects;
        if (selects.length === 0 && table.name in ROW_TABLES) {
          // Written only when a clerk answers a warning or a head decides: empty, Athena reads no rows.
          await connection.run(`CREATE OR REPLACE VIEW ${table.name} AS SELECT ${table.columns.map((c) => `CAST(NULL AS ${GLUE_TO_DUCKDB[c.Type]}) AS ${c.Name}`).join(', ')} WHERE false`);
          objectsPerTable[table.name] = 0;
          continue;
        }
        if (selects.length === 0) throw new Error(`Glue table ${table.name}: no objects under ${table.location}`);
        await connection.run(`CREATE OR REPLACE VIEW ${table.name} AS ${selects.join(' UNION ALL ')}`);
      }
    };
    const fetchObject = async (bucket: string, key: string) => {
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return body.Body!.transformToByteArray();
    };

    // 5. A deployment that has never received a report: every unit listed, nothing reported.
    const lines: string[] = [];
    // The first request's cold start writes the dimensions; the fact tables have no object yet.
    await queryHandler.handler(urlEvent('/health', {}, token), {});
    await defineTables({ emptyFacts: true });
    const empty = await ask('district_scorecard', { period: '2024-Q4' });
    const emptyScorecardUnits = new Set(empty.map((r) => r.unit)).size;
    if (empty.length === 0 || empty.some((r) => r.value !== null)) throw new Error('an empty deployment must list every unit, none reported');
    lines.push(`empty deployment: district_scorecard lists ${emptyScorecardUnits} units, none reported`);

    // 6. Every demo file into the upload bucket, each with the S3 event Lambda would get.
    const manifest = JSON.parse(readFileSync(join(DEMO, 'manifest.json'), 'utf8')) as { file: string; submitted_at: string }[];
    for (const [i, entry] of manifest.entries()) {
      const key = `uploads/${entry.file}`;
      await s3.send(new PutObjectCommand({ Bucket: BUCKETS.Uploads, Key: key, Body: readFileSync(join(DEMO, entry.file)) }));
      const encoded = key.split('/').map((p) => encodeURIComponent(p)).join('/').replace(/%20/g, '+');
      const results = await ingest.handler({ Records: [{
        eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: REGION, eventTime: entry.submitted_at, eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'demo' }, requestParameters: { sourceIPAddress: '127.0.0.1' }, responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
        s3: { s3SchemaVersion: '1.0', configurationId: 'c', bucket: { name: BUCKETS.Uploads, ownerIdentity: { principalId: 'o' }, arn: `arn:aws:s3:::${BUCKETS.Uploads}` },
          object: { key: encoded, size: 1, eTag: `e${i}`, sequencer: `0A${i}` } },
      }] } as S3Event);
      if (results.length !== 1) throw new Error(`${entry.file}: the ingest function answered ${results.length} results`);
      const missing = results[0]!.partitions.filter((p) => !partitions.some((q) => q.Values!.join('/') === p.period));
      if (missing.length) throw new Error(`${entry.file}: ${missing.length} periods written but not registered in Glue (${functionLogs.slice(-3).join(' | ')})`);
    }
    await defineTables();

    // 7. The local path on the same files.
    const localDir = join(work, 'local');
    const local = await composeQuery({ kind: 'local', dataDir: localDir, port: 0, utcOffsetHours: 7 });
    await loadDemoOnce(local.store, local.ingest);
    const localToken = await local.tokens.issue({ name: 'local', role: 'analyst', unit: null });
    const localAdmin = await local.tokens.issue({ name: 'local admin', role: 'admin', unit: null });

    // 8. Every saved query, both ways: on the lake as ingested, then after the nightly compaction.
    let equal = 0;
    const objectsRead: Record<'before' | 'after', Record<string, number>> = { before: {}, after: {} };
    const named = new Map<string, string>();
    for (const stage of ['before', 'after'] as const) {
      if (stage === 'after') {
        await ingest.handler({ chiso: 'compact' } as unknown as S3Event);
        await defineTables();
      }
      for (const query of queries.values()) {
        const params = demoParams(query);
        const before = athena.sent.length;
        const asAnalyst = audienceAdmits(query, 'analyst');
        const aws = normalise(await ask(query.name, params, asAnalyst ? token : adminToken));
        const res = await local.app.request(`/api/queries/${query.name}?${new URLSearchParams({ ...params, format: 'json' })}`, { headers: { Authorization: `Bearer ${asAnalyst ? localToken : localAdmin}` } });
        const here = normalise(await res.json());
        const same = JSON.stringify(aws) === JSON.stringify(here);
        // Objects a query opens: every table it names, all of its (registered) partitions.
        // (The function caches results by lake version, which compaction leaves as it is: the
        // tables a query names are taken from what it sent before compaction.)
        if (stage === 'before') named.set(query.name, athena.sent.slice(before).map((x) => x.sql).join('\n'));
        objectsRead[stage][query.name] = tables.filter((t) => new RegExp(`\\b${t.name}\\b`).test(named.get(query.name)!)).reduce((n, t) => n + objectsPerTable[t.name]!, 0);
        if (stage === 'after') {
          if (same) equal++;
          lines.push(`${same ? '✓' : '✗'} ${query.name}(${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ')}): ${aws.length} rows on AWS, ${here.length} locally, ${objectsRead.before[query.name]} → ${objectsRead.after[query.name]} objects read${same ? '' : ` — first difference: ${firstDifference(aws, here)}`}`);
        } else if (!same) {
          lines.push(`✗ before compaction, ${query.name}: ${firstDifference(aws, here)}`);
        }
      }
    }
    // The heavy renderers are separate files beside the query bundle, loaded on first use.
    const xlsx = await queryHandler.handler(urlEvent('/api/queries/district_scorecard', { period: '2024-Q4', format: 'xlsx' }, token), {});
    const chart = await queryHandler.handler(urlEvent('/q/district_trend/s/0/chart.svg', { from: '2023-Q1', to: '2024-Q4' }, token), {});
    const xlsxBytes = Buffer.from(xlsx.body, (xlsx as { isBase64Encoded?: boolean }).isBase64Encoded ? 'base64' : 'utf8');
    if (xlsx.statusCode !== 200 || xlsxBytes.subarray(0, 2).toString() !== 'PK') throw new Error(`xlsx from the bundle: HTTP ${xlsx.statusCode}`);
    if (chart.statusCode !== 200 || !chart.body.includes('<svg')) throw new Error(`chart from the bundle: HTTP ${chart.statusCode}`);
    lines.push(`lazy renderers in the bundle: district_scorecard.xlsx ${xlsxBytes.length} bytes, district_trend chart ${chart.body.length} bytes of SVG`);
    lines.push(await e2eLeaderPdf(queryHandler.handler, urlEvent, token, ask));
    // The daily rule's event reaches the bundled query function: reminders are worked out over Athena, kept once each.
    const reminders = await (queryHandler.handler as unknown as (e: unknown, c: unknown) => Promise<{ sent: number; failed: number; already: number }>)({ chiso: 'remind' }, {});
    if (typeof reminders.sent !== 'number' || reminders.failed !== 0) throw new Error(`reminders from the bundle: ${JSON.stringify(reminders)}`);
    lines.push(`reminders from the bundle (the daily rule's event): ${reminders.sent} sent, ${reminders.already} sent before`);
    // 9. The same caps on every face: a workbook the local server refuses is refused by both bundled
    //    functions too, the same way, before its memory is spent (after the comparisons: its
    //    rejected record is not part of the demo).
    const hostileFile = join(work, 'kieu-dinh-dang.xlsx');
    execFileSync('python3', [HOSTILE, 'styles', hostileFile, '600000']);
    const hostileBytes = readFileSync(hostileFile);
    await s3.send(new PutObjectCommand({ Bucket: BUCKETS.Uploads, Key: 'uploads/kieu-dinh-dang.xlsx', Body: hostileBytes }));
    const [refused] = await ingest.handler({ Records: [{
      eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: REGION, eventTime: new Date().toISOString(), eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'clerk' }, requestParameters: { sourceIPAddress: '127.0.0.1' }, responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
      s3: { s3SchemaVersion: '1.0', configurationId: 'c', bucket: { name: BUCKETS.Uploads, ownerIdentity: { principalId: 'o' }, arn: `arn:aws:s3:::${BUCKETS.Uploads}` },
        object: { key: 'uploads/kieu-dinh-dang.xlsx', size: hostileBytes.length, eTag: 'hostile', sequencer: '0B0' } },
    }] } as S3Event) as unknown as { status: string; errors: { code: string }[] }[];
    const put = { ...urlEvent('/api/submissions', { filename: 'kieu-dinh-dang-2.xlsx' }, token), body: hostileBytes.toString('base64'), isBase64Encoded: true };
    put.requestContext.http.method = 'PUT';
    (put.headers as Record<string, string>)['content-type'] = 'application/octet-stream';
    const uploaded = await queryHandler.handler(put, {});
    const hostile = {
      ingest: { status: refused!.status, codes: refused!.errors.map((e) => e.code) },
      upload: { httpStatus: uploaded.statusCode, codes: ((JSON.parse(uploaded.body) as { errors?: { code: string }[] }).errors ?? []).map((e) => e.code) },
    };
    lines.push(`hostile workbook (600,000 cell formats, ${hostileBytes.length} bytes): ingest function ${hostile.ingest.status} ${hostile.ingest.codes.join(', ')}; query function PUT ${hostile.upload.httpStatus} ${hostile.upload.codes.join(', ')}`);
    // The demo's lake as measured above: the province below writes more.
    const objectsMeasured = { ...objectsPerTable };
    const partitionsMeasured = partitions.length;
    // 10. Last (it replaces the district's registry): a province set up and run through the pages.
    lines.push(...await e2eProvince({ handler: queryHandler.handler, urlEvent, analyst: token, lakeBucket: BUCKETS.Lake, lake, refresh: () => defineTables(), ask }));
    await local.close();
    connection.closeSync();
    instance.closeSync();
    lines.push(`aws e2e: ${equal} of ${queries.size} saved queries equal the local path`);
    return { lines, equal, total: queries.size, emptyScorecardUnits, objectsPerTable: objectsMeasured, partitionsRegistered: partitionsMeasured, objectsRead, hostile };
  } finally {
    console.log = log;
    for (const m of mocks) m.restore();
    if (server) await server.close();
    process.env = savedEnv;
    rmSync(work, { recursive: true, force: true });
  }
}

function firstDifference(a: Record<string, unknown>[], b: Record<string, unknown>[]): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) return `row ${i + 1}: AWS ${JSON.stringify(a[i])} vs local ${JSON.stringify(b[i])}`;
  }
  return 'none';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await runAwsE2e();
  for (const line of report.lines.slice(0, -1)) console.log(line);
  console.log(`objects at each Glue table's location after compaction (manifests and the files they name): ${Object.entries(report.objectsPerTable).map(([t, n]) => `${t} ${n}`).join(', ')}; ${report.partitionsRegistered} period partitions registered`);
  console.log(report.lines.at(-1));
  process.exitCode = report.equal === report.total ? 0 : 1;
}
