import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { GlueClient } from '@aws-sdk/client-glue';
import { GluePartitions } from '../adapters/GluePartitions.ts';
import { lakeKeys } from '../ingest/lakeKeys.ts';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { loadDefaultCatalog } from '../../schemas/catalog.ts';
import { assetPath } from '../assets.ts';
import { lakeViews } from './lakeViews.ts';
import { S3ObjectStore } from '../adapters/S3ObjectStore.ts';
import { StoreLinkRegistry, storeTokens } from '../adapters/storeRegistries.ts';
import { indexCatalog } from '../core/ingestContext.ts';
import { ingestFile } from '../ingest/ingestFile.ts';
import { AthenaEngine } from './AthenaEngine.ts';
import { createApp, type Env } from './app.ts';
import { loadSavedQueries } from './savedQueries.ts';

/** Read once per container: the edge of the query function. */
const env = {
  lakeBucket: process.env.LAKE_BUCKET!,
  workGroup: process.env.ATHENA_WORKGROUP!,
  database: process.env.GLUE_DATABASE!,
  linkSecretArn: process.env.LINK_SECRET_ARN!,
  utcOffsetHours: Number(process.env.CHISO_UTC_OFFSET_HOURS ?? 7),
};

async function build(): Promise<Hono<Env>> {
  const store = new S3ObjectStore(new S3Client({}), env.lakeBucket);
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: env.linkSecretArn }));
  const catalog = indexCatalog(loadDefaultCatalog());
  const deps = { store, catalog, now: () => new Date(), utcOffsetHours: env.utcOffsetHours };
  const partitions = new GluePartitions(new GlueClient({}), env.database, 'kpi_values', `s3://${env.lakeBucket}/${lakeKeys.kpiValuesPrefix}`);
  return createApp({
    engine: new AthenaEngine(new AthenaClient({}), {
      workGroup: env.workGroup,
      database: env.database,
      views: lakeViews(),
    }),
    store,
    catalog,
    queries: loadSavedQueries(assetPath('sql')),
    tokens: storeTokens(store).records,
    linkSecret: Buffer.from(secret.SecretString!, 'utf8'),
    links: new StoreLinkRegistry(store),
    ingest: async (input) => {
      const result = await ingestFile(input, deps);
      await partitions.register(result.partitions);
      return result;
    },
    now: () => new Date(),
    utcOffsetHours: env.utcOffsetHours,
  });
}

let app: Promise<ReturnType<typeof handle>> | null = null;

/** The same Hono app as `npm start`, behind a Lambda Function URL, with Athena and S3 as its ports. */
export const handler: ReturnType<typeof handle> = async (event, context) => {
  app ??= build().then((a) => handle(a));
  return (await app)(event, context);
};
