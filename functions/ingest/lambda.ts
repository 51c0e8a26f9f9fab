import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { loadDefaultCatalog } from '../../schemas/catalog.ts';
import { GluePartitions } from '../adapters/GluePartitions.ts';
import { S3ObjectStore } from '../adapters/S3ObjectStore.ts';
import { indexCatalog } from '../core/ingestContext.ts';
import { lakeKeys } from './lakeKeys.ts';
import { createS3IngestHandler } from './s3Ingest.ts';

/** The ingest function's face: configuration read once, per container. */
const lakeBucket = process.env.LAKE_BUCKET!;
const database = process.env.GLUE_DATABASE!;
const s3 = new S3Client({});

export const handler = createS3IngestHandler({
  store: new S3ObjectStore(s3, lakeBucket),
  uploads: (bucket) => new S3ObjectStore(s3, bucket),
  partitions: new GluePartitions(new GlueClient({}), database, 'kpi_values', `s3://${lakeBucket}/${lakeKeys.kpiValuesPrefix}`),
  catalog: indexCatalog(loadDefaultCatalog()),
  now: () => new Date(),
  utcOffsetHours: Number(process.env.CHISO_UTC_OFFSET_HOURS ?? 7),
});
