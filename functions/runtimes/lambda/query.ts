import type { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { composeQuery } from '../compose.ts';
import { readAwsConfig } from '../config.ts';

/** The query function: the same Hono app as `npm start`, behind a Function URL, over Athena and S3. */
let app: Promise<ReturnType<typeof handle>> | null = null;

export const handler: ReturnType<typeof handle> = async (event, context) => {
  app ??= composeQuery(readAwsConfig(process.env)).then((s) => handle(s.app as unknown as Hono)).catch((error) => {
    app = null; // a failed cold start is retried by the next request, not cached
    throw error;
  });
  return (await app)(event, context);
};
