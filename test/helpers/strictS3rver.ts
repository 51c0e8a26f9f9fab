import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';
import { startS3rver } from './s3rver.ts';

type Ctx = { method: string; path: string; headers: Record<string, string | undefined>; status: number; body: unknown; type: string };
interface FsStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
  existsObject(bucket: string, key: string): Promise<boolean>;
}

/**
 * s3rver as S3 behaves where it differs: a PUT with If-None-Match: * is refused with 412 when the
 * key exists (S3 since 2024; s3rver ignores it), and each object is written and read whole (S3's
 * PUT is atomic; s3rver writes in place, so two PUTs of one key at once could interleave). Every
 * request on one key waits for the one before it: enough for tests of conditional writes.
 */
export function strictS3rver(server: S3rver): void {
  const store = (server as unknown as { store: FsStore }).store;
  const queues = new Map<string, Promise<void>>();

  // Written whole before the request answers (s3rver answers once the body has been read).
  (store as unknown as { putObject: (o: { bucket: string; key: string; content: Readable | Buffer; metadata: unknown }) => Promise<{ size: number; md5: string }> }).putObject = async (object) => {
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(path), { recursive: true });
    const chunks: Buffer[] = [];
    for await (const chunk of Buffer.isBuffer(object.content) ? [object.content] : object.content) chunks.push(Buffer.from(chunk as Buffer));
    const body = Buffer.concat(chunks);
    await pipeline(Readable.from([body]), createWriteStream(path));
    const md5 = createHash('md5').update(body).digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size: body.length, md5 };
  };

  const middleware = async (ctx: Ctx, next: () => Promise<void>) => {
    const [, bucket, ...rest] = ctx.path.split('/');
    if (!bucket || !rest.length || !rest.join('')) return next();
    const key = decodeURIComponent(rest.join('/'));
    const lock = `${bucket}/${key}`;
    const before = queues.get(lock) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => { release = resolve; });
    const tail = before.then(() => mine);
    queues.set(lock, tail);
    await before;
    try {
      if (ctx.method === 'PUT' && ctx.headers['if-none-match'] === '*' && (await store.existsObject(bucket, key))) {
        ctx.status = 412;
        ctx.type = 'application/xml';
        ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>`;
        return;
      }
      await next();
      // Read whole while the key is held: a PUT after it cannot change what this GET returns.
      if (ctx.body instanceof Readable) {
        const chunks: Buffer[] = [];
        for await (const chunk of ctx.body) chunks.push(Buffer.from(chunk as Buffer));
        ctx.body = Buffer.concat(chunks);
      }
    } finally {
      release();
      if (queues.get(lock) === tail) queues.delete(lock);
    }
  };
  (server as unknown as { middleware: unknown[] }).middleware.unshift(middleware);
}

/** s3rver (test/helpers/s3rver.ts) answering conditional writes as S3 does. */
export const startStrictS3rver = (buckets: string[]) => startS3rver(buckets, strictS3rver);
