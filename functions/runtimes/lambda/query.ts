import type { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { composeQuery, type QueryServices } from '../compose.ts';
import { readAwsConfig } from '../config.ts';

/** The query function: the same Hono app as `npm start`, behind a Function URL, over Athena and S3. */
let composed: Promise<{ services: QueryServices; http: ReturnType<typeof handle> }> | null = null;

/** The daily rule's event: send the reminders due today (EventBridge, see infra/ChisoStack.ts). */
interface RemindEvent { chiso: 'remind' }

export const handler = async (event: Parameters<ReturnType<typeof handle>>[0] | RemindEvent, context: Parameters<ReturnType<typeof handle>>[1]) => {
  composed ??= composeQuery(readAwsConfig(process.env)).then((services) => ({ services, http: handle(services.app as unknown as Hono) })).catch((error) => {
    composed = null; // a failed cold start is retried by the next request, not cached
    throw error;
  });
  const { services, http } = await composed;
  if ('chiso' in event && event.chiso === 'remind') {
    const result = await services.remind();
    console.log(JSON.stringify({ reminders: { sent: result.sent.length, failed: result.failed.length, already: result.already }, digests: { sent: result.digests.sent.length, failed: result.digests.failed.length, already: result.digests.already } }));
    return { sent: result.sent.length, failed: result.failed.length, already: result.already };
  }
  return http(event as Parameters<ReturnType<typeof handle>>[0], context);
};
