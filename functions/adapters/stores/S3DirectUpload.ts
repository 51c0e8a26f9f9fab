import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { uploadConditions } from '../../domain/directUpload.ts';
import type { DirectUpload, DirectUploadForm } from '../../ports/DirectUpload.ts';
import { amzDateOf, hmac, signingKey } from './sigv4.ts';

/**
 * S3's browser-based upload (POST Object with a Signature Version 4 policy), signed with the
 * function's own credentials, with the few lines of signing it takes (the same algorithm as
 * @aws-sdk/s3-presigned-post, checked against @smithy/signature-v4 in test/core/directUpload.test.ts).
 * The staging objects are then looked at (HEAD), read and removed through the same client.
 */
export class S3DirectUpload implements DirectUpload {
  private constructor(private readonly s3: S3Client, readonly bucket: string, private readonly url: string, private readonly region: string, private readonly now: () => Date) {}

  get origin(): string { return new URL(this.url).origin; }

  /**
   * `endpoint`: an S3-compatible server's address (path-style, as the client is set up);
   * otherwise the bucket's own virtual-hosted address in the client's region.
   */
  static async create(s3: S3Client, bucket: string, options: { endpoint?: string; now?: () => Date } = {}): Promise<S3DirectUpload> {
    const region = await s3.config.region();
    const url = options.endpoint ? `${options.endpoint.replace(/\/+$/, '')}/${bucket}` : `https://${bucket}.s3.${region}.amazonaws.com/`;
    return new S3DirectUpload(s3, bucket, url, region, options.now ?? (() => new Date()));
  }

  async form(input: { keyPrefix: string; maxBytes: number; redirect: string; expiresSeconds: number }): Promise<DirectUploadForm> {
    const credentials = await this.s3.config.credentials();
    const at = this.now();
    const amzDate = amzDateOf(at);
    const day = amzDate.slice(0, 8);
    const credential = `${credentials.accessKeyId}/${day}/${this.region}/s3/aws4_request`;
    const signed: [string, string][] = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      ['X-Amz-Credential', credential],
      ['X-Amz-Date', amzDate],
      ...(credentials.sessionToken ? [['X-Amz-Security-Token', credentials.sessionToken] as [string, string]] : []),
    ];
    const policy = Buffer.from(JSON.stringify({
      expiration: new Date(at.getTime() + input.expiresSeconds * 1000).toISOString(),
      conditions: [...uploadConditions({ bucket: this.bucket, ...input }), ...signed.map(([k, v]) => ({ [k.toLowerCase()]: v }))],
    }), 'utf8').toString('base64');
    const key = signingKey(credentials.secretAccessKey, day, this.region);
    return {
      url: this.url,
      fields: [
        ['key', `${input.keyPrefix}\${filename}`],
        ['success_action_redirect', input.redirect],
        ...signed,
        ['Policy', policy],
        ['X-Amz-Signature', hmac(key, policy).toString('hex')],
      ],
    };
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      // S3 answers a HEAD of a missing key 403 to a role without s3:ListBucket (the query function
      // has none on this bucket, only object rights under staging/, where the key was checked to be).
      if (notFound(error) || status(error) === 403) return null;
      throw error;
    }
  }

  async read(key: string): Promise<Uint8Array | null> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

const status = (error: unknown) => (error instanceof S3ServiceException ? error.$metadata.httpStatusCode : (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode);

function notFound(error: unknown): boolean {
  return status(error) === 404 || (error as Error).name === 'NoSuchKey' || (error as Error).name === 'NotFound';
}
