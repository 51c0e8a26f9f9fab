import {
  DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3ServiceException, type S3Client,
} from '@aws-sdk/client-s3';
import { ObjectExistsError, type ObjectStore } from '../../ports/ObjectStore.ts';

/** The object store on an S3 bucket (optionally under a prefix). */
export class S3ObjectStore implements ObjectStore {
  constructor(private readonly s3: S3Client, readonly bucket: string, private readonly prefix = '') {}

  private key(key: string): string {
    return this.prefix + key;
  }

  async get(key: string): Promise<Uint8Array | null> {
    return (await this.getVersion(key))?.bytes ?? null;
  }

  /** With the object and its version, for an upload bucket that keeps versions. */
  async getVersion(key: string, versionId?: string): Promise<{ bytes: Uint8Array; versionId: string | null } | null> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key), VersionId: versionId }));
      return { bytes: res.Body ? await res.Body.transformToByteArray() : new Uint8Array(), versionId: res.VersionId ?? versionId ?? null };
    } catch (error) {
      if (isStatus(error, 404) || (error as Error).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  /**
   * A PUT is atomic in S3: readers see the whole object or the old one. `ifAbsent` sends
   * If-None-Match: *, so of two racing writers exactly one succeeds (the other gets 412).
   */
  async put(key: string, body: Uint8Array | string, options: { ifAbsent?: boolean; contentType?: string } = {}): Promise<void> {
    try {
      await this.s3.send(new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key(key),
        Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
        ContentType: options.contentType ?? (key.endsWith('.json') ? 'application/json' : key.endsWith('.parquet') ? 'application/vnd.apache.parquet' : 'application/octet-stream'),
        IfNoneMatch: options.ifAbsent ? '*' : undefined,
      }));
    } catch (error) {
      if (options.ifAbsent && (isStatus(error, 412) || (error as Error).name === 'PreconditionFailed')) throw new ObjectExistsError(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number; modified?: Date }> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.key(prefix), ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (o.Key) yield { key: o.Key.slice(this.prefix.length), size: o.Size ?? 0, modified: o.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode === status : (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === status;
}

/** S3 event keys arrive URL-encoded, with "+" for a space: "B%C3%A1o+c%C3%A1o.xlsx". */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}
