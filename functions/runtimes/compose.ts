/**
 * The composition root: the one module that turns a deployment's configuration into ports and
 * services. Every face (CLI, local server, ingest function, query function) calls it and adds
 * only what is its own (arguments, a listening socket, an event). So a service wired for one face
 * is wired for all: the dimension tables, for one, are ensured here for each of them.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AthenaEngine } from '../adapters/athena/AthenaEngine.ts';
import { DuckDbEngine } from '../adapters/duckdb/DuckDbEngine.ts';
import { defaultRegistryFiles } from '../adapters/files/catalogFiles.ts';
import { openRegistry, type LiveRegistry } from '../services/registry.ts';
import { reminderFacts, sendDueReminders } from '../services/reminders.ts';
import { sendDigests } from '../services/digest.ts';
import { digestContent } from '../http/pages/leaderRoutes.ts';
import { publishedFigures } from '../http/pages/publishedResults.ts';
import type { HttpDeps } from '../http/context.ts';
import type { Reminder } from '../domain/cycle/reminders.ts';
/** What the mailer sends: a reminder, or a leader's digest. */
type Mail = Pick<Reminder, 'to' | 'subject' | 'body'>;
import { lakeViews, loadSavedQueries, SQL_DIR } from '../adapters/files/sqlFiles.ts';
import { compactLake } from '../adapters/duckdb/compactLake.ts';
import { GlueSymlinkLake } from '../adapters/glue/GlueSymlinkLake.ts';
import { FsObjectStore } from '../adapters/stores/FsObjectStore.ts';
import { S3ObjectStore } from '../adapters/stores/S3ObjectStore.ts';
import { SecretsManagerReader } from '../adapters/secrets/SecretsManagerReader.ts';
import { createClock, type Clock } from '../domain/clock.ts';
import { indexCatalog, type CatalogIndex } from '../domain/ingest/ingestContext.ts';
import type { SavedQuery } from '../domain/queries/savedQueries.ts';
import { createApp } from '../http/app.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import type { DirectUpload } from '../ports/DirectUpload.ts';
import { S3DirectUpload } from '../adapters/stores/S3DirectUpload.ts';
import { S3DirectDownload } from '../adapters/stores/S3DirectDownload.ts';
import type { DirectDownload } from '../ports/DirectDownload.ts';
import type { LakeCatalog } from '../ports/LakeCatalog.ts';
import type { QueryEngine } from '../ports/QueryEngine.ts';
import { createTokenStore, StoreLinkRegistry, storedLinkSecret, type TokenStore } from '../services/accessStore.ts';
import { ensureDimensions } from '../services/dimensions.ts';
import { createSettings, type SettingsService } from '../services/settings.ts';
import { createAuditLog, type AuditLog } from '../services/audit.ts';
import { secretsManagerSecret, stateFolderSecret } from '../services/oidcSecret.ts';
import { ingestFile, newSubmissionId, type IngestDeps, type IngestInput, type IngestResult } from '../services/ingestFile.ts';
import { createS3IngestHandler } from '../services/ingestS3Event.ts';
import { createIngestQueue, type Admission, type Sender } from '../services/ingestQueue.ts';
import { failWholeOnFullDisk } from '../services/storageFull.ts';
import { sweepUncommitted } from '../services/sweepLake.ts';
import { createQueryRunner, type QueryRunner } from '../services/savedQueryRunner.ts';
import { createWorkerIngest } from './local/workerIngest.ts';
import { createEncoderPool } from '../adapters/parquet/encoderPool.ts';
import { availableParallelism } from 'node:os';
import type { AwsDeployment, Deployment } from './config.ts';

export interface ComposeOptions {
  /** A clock to use instead of the system's (tests move it). */
  now?: () => Date;
  /** Keep rendered results until the lake changes (default). Off only to measure the engine. */
  cacheResults?: boolean;
  /** Called after each ingest (the local server schedules compaction). */
  afterIngest?: (result: IngestResult) => void;
  /** Local server: each ingest in a worker thread with its own heap limit (see local/workerIngest.ts). */
  isolateIngest?: boolean;
  /** The address leaders' links are made with (configured, never taken from a request's Host). */
  publicOrigin?: () => string | undefined;
  /** Forms that post files straight to a bucket (tests: as on AWS over s3rver); on AWS made from UPLOAD_BUCKET. */
  directUpload?: DirectUpload;
  /** Downloads past the function's response cap straight from the lake bucket (tests); on AWS made from the lake bucket. */
  directDownload?: DirectDownload;
}

/** What every face needs to take in reports. */
export interface IngestServices {
  deployment: Deployment;
  clock: Clock;
  store: ObjectStore;
  catalog: CatalogIndex;
  registry: LiveRegistry;
  /** What the engine is told of new submissions, and compaction. */
  lake: LakeCatalog;
  /** One file: validated, written whole or not at all, its partitions made queryable. */
  ingest(input: IngestInput): Promise<IngestResult>;
  /** Room in the queue for a file of `bytes` from `who`, taken before its body is read (throws IngestQueueFullError). */
  admit(who: Sender, bytes: number): Admission;
  /** Stops what ingests run in (the ingest worker), so a CLI run can end. */
  close(): Promise<void>;
  /** What an ingest in this process is made of (the local ingest worker runs files with it). */
  ingestDeps: IngestDeps;
  tokens: TokenStore;
  /** The deployment's settings (approval), with their history: data in the lake, never the environment. */
  settings: SettingsService;
  /** Every administrative action, who, when and from where. */
  audit: AuditLog;
}

/** What the query faces need besides: saved queries, an engine, access, the HTTP app. */
export interface QueryServices extends IngestServices {
  queries: Map<string, SavedQuery>;
  /** Sends the reminders due today, each once (the daily rule on AWS, an hourly timer locally). */
  remind(): Promise<Awaited<ReturnType<typeof sendDueReminders>> & { digests: Awaited<ReturnType<typeof sendDigests>> }>;
  engine: QueryEngine;
  runner: QueryRunner;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

function s3ClientFor(d: AwsDeployment): S3Client {
  return d.s3Endpoint
    ? new S3Client({ endpoint: d.s3Endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' })
    : new S3Client({});
}

const clients = new Map<string, unknown>();
/** One SDK client per kind and process: a warm Lambda reuses its connections. */
function client<T>(name: string, make: () => T): T {
  if (!clients.has(name)) clients.set(name, make());
  return clients.get(name) as T;
}

function storeFor(d: Deployment): ObjectStore {
  return d.kind === 'local' ? new FsObjectStore(d.dataDir) : new S3ObjectStore(client('s3', () => s3ClientFor(d)), d.lakeBucket);
}

function lakeCatalogFor(d: Deployment, store: ObjectStore): LakeCatalog {
  if (d.kind === 'local') {
    // DuckDB lists the folder at each refresh; compaction keeps its own manifest there.
    return { publish: async () => undefined, compact: () => compactLake(d.dataDir) };
  }
  return new GlueSymlinkLake(client('glue', () => new GlueClient({})), d.database, store, d.lakeBucket);
}

/** The ports and services that take in reports; the dimension tables are ensured first. */
export async function composeIngest(configured: Deployment, options: ComposeOptions = {}): Promise<IngestServices> {
  const store = storeFor(configured);
  // Settings first: an administrator's stored time zone is the deployment's from this start on;
  // the environment only gives first values.
  const settings = createSettings(store, options.now ?? (() => new Date()));
  await settings.seed(configured.initialApproval);
  await settings.seedValues({ public_url: configured.publicUrl, reminder_from: configured.kind === 'aws' ? configured.reminderFrom : undefined });
  const storedOffset = await settings.value('utc_offset_hours');
  const deployment: Deployment = storedOffset === null ? configured : { ...configured, utcOffsetHours: Number(storedOffset) };
  const clock = createClock(deployment.utcOffsetHours, options.now);
  // The imported registry (or the shipped example); its dimension tables are written if they changed.
  const registry = await openRegistry(store, defaultRegistryFiles, deployment.utcOffsetHours);
  const catalog = registry.index;
  const lake = lakeCatalogFor(deployment, store);
  const tokens = createTokenStore(store, { ttlMs: deployment.kind === 'local' ? 1000 : 30_000, now: clock.now });
  // Locally a large file's Parquet files are encoded on the machine's other cores too (up to
  // three: each helper is ~40 MB); a Lambda function has about one, and encodes in its own thread.
  const encoder = deployment.kind === 'local' && availableParallelism() > 1
    ? createEncoderPool({ workerUrl: new URL('./local/encodeWorker.mjs', import.meta.url), helpers: Math.min(3, availableParallelism() - 1) })
    : null;
  const deps: IngestDeps = { store, catalog, clock, encode: encoder?.encode };
  const isolated = options.isolateIngest && deployment.kind === 'local' ? createWorkerIngest(deployment, deps) : null;
  const runIsolatedOrHere = isolated ?? ((input: IngestInput) => ingestFile(input, deps));
  // The id is chosen first so that a full disk can take back whatever the file wrote (then a 507).
  const runOne = (input: IngestInput) => {
    const submittedAt = input.submittedAt ?? clock.now();
    const job = { ...input, submittedAt, submissionId: input.submissionId ?? newSubmissionId(submittedAt) };
    return failWholeOnFullDisk(store, job.submissionId, input.fileName, () => runIsolatedOrHere(job));
  };
  // Bounded: one file read at a time, a known number waiting, accounts in turn; a burst past it gets "retry later".
  const queue = createIngestQueue(runOne);
  const afterQueue = async (result: IngestResult) => {
    await lake.publish(result);
    options.afterIngest?.(result);
    return result;
  };
  return {
    deployment, clock, store, catalog, registry, lake, tokens, settings, ingestDeps: deps, audit: createAuditLog(store, clock.now),
    async ingest(input) {
      await registry.refresh(); // another process may have imported a new registry
      return afterQueue(await queue.ingest(input));
    },
    close: async () => { await isolated?.close(); },
    admit(who, bytes) {
      const room = queue.reserve(who, bytes);
      return {
        release: room.release,
        async ingest(input) {
          try {
            await registry.refresh();
          } catch (error) {
            room.release();
            throw error;
          }
          return afterQueue(await room.run(input));
        },
      };
    },
  };
}

/** The ingest function's handler for S3 events of the upload bucket. */
export async function composeS3Ingest(deployment: AwsDeployment, options: ComposeOptions = {}) {
  const services = await composeIngest(deployment, options);
  const s3 = client('s3', () => s3ClientFor(deployment));
  const onS3Event = createS3IngestHandler({ store: services.store, uploads: (bucket) => new S3ObjectStore(s3, bucket), ingest: services.ingest });
  return {
    ...services,
    /** An S3 event: ingest each file, then fold the periods it touched once they have grown to many pieces. */
    async handle(event: S3Event) {
      const results = await onS3Event(event);
      const periods = [...new Set(results.flatMap((r) => r.partitions.map((p) => p.period)))];
      if (periods.length) await services.lake.compact({ periods, minFiles: deployment.compactFromObjects });
      return results;
    },
    /** The nightly run: what died before its commit swept, then every period folded into one file. */
    async compactAll() {
      const swept = await sweepUncommitted(services.store);
      const compacted = await services.lake.compact();
      console.log(JSON.stringify({ nightly: true, swept: swept.removed, periods_folded: compacted.periods }));
      return { ...compacted, swept: swept.removed };
    },
  };
}

async function linkSecretFor(d: Deployment, store: ObjectStore): Promise<Buffer> {
  if (d.kind === 'local') return storedLinkSecret(store);
  const secret = await client('secrets', () => new SecretsManagerClient({})).send(new GetSecretValueCommand({ SecretId: d.linkSecretArn }));
  return Buffer.from(secret.SecretString!, 'utf8');
}

async function engineFor(d: Deployment): Promise<QueryEngine> {
  if (d.kind === 'local') return DuckDbEngine.open(d.dataDir);
  return new AthenaEngine(client('athena', () => new AthenaClient({})), { workGroup: d.workGroup, database: d.database, views: lakeViews() });
}

/** Everything the query faces need, the HTTP app included. */
export async function composeQuery(deployment: Deployment, options: ComposeOptions = {}): Promise<QueryServices> {
  const services = await composeIngest(deployment, options);
  const queries = loadSavedQueries(SQL_DIR);
  const engine = await engineFor(deployment);
  const runner = createQueryRunner({ engine, store: services.store, cacheResults: options.cacheResults, onNewVersion: () => services.registry.refresh() });
  const linkSecret = await linkSecretFor(deployment, services.store);
  const links = new StoreLinkRegistry(services.store);
  // On AWS the clerk's files go straight to the upload bucket's staging/ (past the function's 6 MB payload cap).
  const directUpload = options.directUpload ?? (deployment.kind === 'aws' && deployment.uploadBucket
    ? await S3DirectUpload.create(client('s3', () => s3ClientFor(deployment)), deployment.uploadBucket, { endpoint: deployment.s3Endpoint })
    : undefined);
  const directDownload = options.directDownload ?? (deployment.kind === 'aws'
    ? await S3DirectDownload.create(client('s3', () => s3ClientFor(deployment)), deployment.lakeBucket, { endpoint: deployment.s3Endpoint })
    : undefined);
  const httpDeps: HttpDeps = {
    directUpload,
    directDownload,
    runner,
    store: services.store,
    catalog: services.catalog,
    queries,
    tokens: () => services.tokens.records(),
    access: services.tokens,
    linkSecret,
    links,
    ingest: services.ingest,
    admitUpload: services.admit,
    now: services.clock.now,
    today: services.clock.today,
    localTime: services.clock.localTime,
    // The address an administrator stored wins over the configured one (which only seeded it).
    publicOrigin: () => services.settings.peek('public_url') ?? (options.publicOrigin ?? (() => deployment.publicUrl))(),
    registryVersion: () => services.registry.version.version,
    settings: services.settings,
    // An administrator's action is a lake write: the next read (the log, the admin_audit query) sees it.
    admin: {
      tokens: services.tokens,
      audit: { ...services.audit, record: async (...args) => { await services.audit.record(...args); runner.lakeChanged(); } },
      registry: services.registry,
      utcOffsetHours: services.deployment.utcOffsetHours,
    },
    // Kept out of the lake (settings are readable by SQL): the environment's (on AWS: to come from Secrets Manager).
    oidcSecret: () => process.env.CHISO_OIDC_CLIENT_SECRET || undefined,
    oidcSecretKeeper: deployment.kind === 'aws'
      ? secretsManagerSecret(services.settings, new SecretsManagerReader(client('secrets', () => new SecretsManagerClient({}))), process.env.CHISO_OIDC_CLIENT_SECRET)
      : stateFolderSecret(services.store, process.env.CHISO_OIDC_CLIENT_SECRET),
  };
  const app = createApp(httpDeps);
  const facts = reminderFacts(runner);
  // SES is loaded when a reminder is first delivered: the query function's cold start does not pay for it.
  let mailer: { from: string; ready: Promise<{ deliver: (r: Mail) => Promise<void> }> } | null = null;
  const mailFrom = (from: string) => (r: Mail) => {
    if (mailer?.from !== from) {
      mailer = { from, ready: Promise.all([import('@aws-sdk/client-sesv2'), import('../adapters/mail/SesMailer.ts')])
        .then(([ses, m]) => new m.SesMailer(client('ses', () => new ses.SESv2Client({})), from)) };
    }
    return mailer.ready.then((m) => m.deliver(r));
  };
  const remind = async () => {
    // An administrator may stop reminders and change their sender (settings), read at each run.
    if ((await services.settings.value('reminders')) === 'off') return { sent: [], failed: [], already: 0, digests: { sent: [], failed: [], already: 0 } };
    const from = deployment.kind === 'aws' ? (await services.settings.value('reminder_from')) ?? deployment.reminderFrom : undefined;
    const mail = from ? mailFrom(from) : null;
    const reminders = await sendDueReminders({
    store: services.store, catalog: services.catalog, today: services.clock.today, now: services.clock.now, reported: facts.reported,
    waiting: (await services.settings.approval()).required ? facts.waiting : undefined,
    // Locally the outbox folder (and its page) is the delivery.
    deliver: mail ?? (async () => undefined),
  });
    // Leaders' digests run with the reminders, through the same mail path (services/digest.ts).
    const digests = await sendDigests({ store: services.store, links, linkSecret, now: services.clock.now, today: services.clock.today, content: digestContent({ queries, runner, catalog: services.catalog, today: services.clock.today, localTime: services.clock.localTime, published: (period) => publishedFigures(httpDeps, period, 'vi') }), deliver: mail ?? (async () => undefined) });
    return { ...reminders, digests };
  };
  return { ...services, queries, engine, runner, app, remind, close: async () => { await services.close(); await engine.close(); } };
}
