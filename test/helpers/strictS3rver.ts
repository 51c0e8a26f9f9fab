import { createHash, createHmac } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';
import { startS3rver } from './s3rver.ts';

/** The secret s3rver's one account signs with (its default credentials, S3RVER / S3RVER). */
const S3RVER_SECRET = 'S3RVER';
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
const s3Error = (status: number, code: string, message: string) => ({
  status, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
});
type Condition = Record<string, string> | [string, string | number, string | number];

/**
 * A browser's POST Object (an HTML form straight to the bucket) judged as S3 judges it, where
 * s3rver takes any: the policy's Signature Version 4 signature, its expiry, every condition
 * (bucket, key prefix, the redirect, `content-length-range` against the file's size), every form
 * field covered by a condition, the file last; `${filename}` in the key replaced by the file's
 * name. On success the object is stored and the browser sent to `success_action_redirect` with
 * bucket, key and etag added (303), as S3 does. Returns null when the request is no such POST.
 */
async function postObject(store: FsStore & { putObject(o: { bucket: string; key: string; content: Buffer; metadata: Record<string, string> }): Promise<{ size: number; md5: string }> }, bucket: string, ctx: Ctx) {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(Buffer.from(chunk));
  const form = await new Request('http://s3rver.invalid/', { method: 'POST', headers: { 'content-type': ctx.headers['content-type']! }, body: Buffer.concat(chunks) }).formData();
  const entries = [...form.entries()];
  const file = form.get('file');
  if (!(file instanceof File) || entries.at(-1)?.[0] !== 'file' || form.getAll('file').length !== 1) return s3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request, as the last field.');
  const fields = new Map<string, string>();
  for (const [name, value] of entries) if (name !== 'file') fields.set(name.toLowerCase(), String(value));
  const policyText = fields.get('policy');
  if (!policyText) return s3Error(403, 'AccessDenied', 'Bucket POST must contain a field named Policy');
  const [accessKey, day, region, service] = (fields.get('x-amz-credential') ?? '').split('/');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${S3RVER_SECRET}`, day ?? ''), region ?? ''), service ?? ''), 'aws4_request');
  if (accessKey !== 'S3RVER' || fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256' || hmac(signingKey, policyText).toString('hex') !== fields.get('x-amz-signature')) {
    return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
  const policy = JSON.parse(Buffer.from(policyText, 'base64').toString('utf8')) as { expiration: string; conditions: Condition[] };
  if (!(new Date(policy.expiration).getTime() > Date.now())) return s3Error(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
  const valueOf = (field: string) => (field === 'bucket' ? bucket : fields.get(field));
  const covered = new Set(['policy', 'x-amz-signature', 'file']);
  for (const condition of policy.conditions) {
    if (!Array.isArray(condition)) {
      for (const [field, value] of Object.entries(condition)) {
        covered.add(field.toLowerCase());
        if (valueOf(field.toLowerCase()) !== value) return s3Error(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ["eq", "$${field}", "${value}"]`);
      }
    } else if (condition[0] === 'content-length-range') {
      const [, min, max] = condition as [string, number, number];
      if (file.size > max) return s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
      if (file.size < min) return s3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
    } else {
      const [op, ref, value] = condition as [string, string, string];
      const field = ref.replace(/^\$/, '').toLowerCase();
      covered.add(field);
      const actual = valueOf(field) ?? '';
      if (op === 'eq' ? actual !== value : op === 'starts-with' ? !actual.startsWith(value) : true) return s3Error(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ["${op}", "${ref}", "${value}"]`);
    }
  }
  const uncovered = [...fields.keys()].find((f) => !covered.has(f) && !f.startsWith('x-ignore-'));
  if (uncovered) return s3Error(403, 'AccessDenied', `Invalid according to Policy: Extra input fields: ${uncovered}`);
  const key = fields.get('key')!.replaceAll('${filename}', file.name);
  const { md5 } = await store.putObject({ bucket, key, content: Buffer.from(await file.arrayBuffer()), metadata: { 'content-type': file.type || 'binary/octet-stream' } });
  const redirect = fields.get('success_action_redirect');
  if (!redirect) return { status: 204, body: '' };
  const location = new URL(redirect);
  location.searchParams.append('bucket', bucket);
  location.searchParams.append('key', key);
  location.searchParams.append('etag', JSON.stringify(md5));
  return { status: 303, body: '', location: location.href };
}

type Ctx = {
  method: string; path: string; querystring: string; headers: Record<string, string | undefined>; status: number; body: unknown; type: string;
  req: AsyncIterable<Buffer>; set(name: string, value: string): void;
};
interface FsStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
  existsObject(bucket: string, key: string): Promise<boolean>;
}

/**
 * s3rver as S3 behaves where it differs: a PUT with If-None-Match: * is refused with 412 when the
 * key exists (S3 since 2024; s3rver ignores it), and each object is written and read whole (S3's
 * PUT is atomic; s3rver writes in place, so two PUTs of one key at once could interleave). Every
 * request on one key waits for the one before it: enough for tests of conditional writes. And a
 * browser's POST of a form straight to the bucket is judged by its policy (postObject above).
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
    if (ctx.method === 'POST' && bucket && !rest.join('') && !ctx.querystring && /^multipart\/form-data/.test(ctx.headers['content-type'] ?? '')) {
      const answer = await postObject(store as Parameters<typeof postObject>[0], bucket, ctx);
      ctx.status = answer.status;
      if ('location' in answer && answer.location) ctx.set('Location', answer.location);
      ctx.type = 'application/xml';
      ctx.body = answer.body;
      return;
    }
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
