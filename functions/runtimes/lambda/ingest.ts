import type { S3Event } from 'aws-lambda';
import { composeS3Ingest } from '../compose.ts';
import { readAwsConfig } from '../config.ts';

/** The ingest function: S3 events of the upload bucket, composed once per container. */
let composed: ReturnType<typeof composeS3Ingest> | null = null;

/** The daily rule's event: fold every period's pieces (EventBridge, see infra/ChisoStack.ts). */
interface CompactEvent { chiso: 'compact' }

export const handler = async (event: S3Event | CompactEvent) => {
  composed ??= composeS3Ingest(readAwsConfig(process.env)).catch((error) => {
    composed = null; // a failed cold start is retried by the next event, not cached
    throw error;
  });
  const services = await composed;
  return 'chiso' in event && event.chiso === 'compact' ? services.compactAll() : services.handle(event as S3Event);
};
