import type { S3Client } from '@aws-sdk/client-s3';
import type { DirectDownload } from '../../ports/DirectDownload.ts';
import { amzDateOf, hmac, sha256Hex, signingKey, uriEncode } from './sigv4.ts';

/**
 * A presigned GET of a lake object (Signature Version 4 in the query string, as
 * @aws-sdk/s3-request-presigner makes it; checked against @smithy/signature-v4 in
 * test/core/directUpload.test.ts), with S3 told to serve it as an attachment of its own type.
 */
export class S3DirectDownload implements DirectDownload {
  private constructor(private readonly s3: S3Client, private readonly bucket: string, private readonly base: URL, private readonly pathStyle: boolean, private readonly region: string, private readonly now: () => Date) {}

  /** `endpoint`: an S3-compatible server (path-style); otherwise the bucket's virtual-hosted address. */
  static async create(s3: S3Client, bucket: string, options: { endpoint?: string; now?: () => Date } = {}): Promise<S3DirectDownload> {
    const region = await s3.config.region();
    const base = new URL(options.endpoint ?? `https://${bucket}.s3.${region}.amazonaws.com`);
    return new S3DirectDownload(s3, bucket, base, Boolean(options.endpoint), region, options.now ?? (() => new Date()));
  }

  async url(key: string, as: { fileName: string; contentType: string; expiresSeconds: number }): Promise<string> {
    const credentials = await this.s3.config.credentials();
    const amzDate = amzDateOf(this.now());
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${this.region}/s3/aws4_request`;
    const path = `${this.base.pathname.replace(/\/+$/, '')}${this.pathStyle ? `/${uriEncode(this.bucket)}` : ''}/${key.split('/').map(uriEncode).join('/')}`;
    const ascii = as.fileName.replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\w.-]+/g, '_');
    const params: [string, string][] = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`],
      ['X-Amz-Date', amzDate],
      ['X-Amz-Expires', String(as.expiresSeconds)],
      ...(credentials.sessionToken ? [['X-Amz-Security-Token', credentials.sessionToken] as [string, string]] : []),
      ['X-Amz-SignedHeaders', 'host'],
      ['response-content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${uriEncode(as.fileName)}`],
      ['response-content-type', as.contentType],
    ];
    const query = params.map(([k, v]) => [uriEncode(k), uriEncode(v)]).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
    const canonical = ['GET', path, query, `host:${this.base.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
    const signature = hmac(signingKey(credentials.secretAccessKey, day, this.region), ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n')).toString('hex');
    return `${this.base.protocol}//${this.base.host}${path}?${query}&X-Amz-Signature=${signature}`;
  }
}
