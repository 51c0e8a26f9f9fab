/**
 * The direct-upload port (AWS only): a browser posts a file straight to the bucket with a signed
 * form (S3 presigned POST), past the query function's 6 MB payload cap; the app then looks at the
 * staged object's size without reading it, reads it, and removes it. Absent locally: the local
 * server takes files of any allowed size itself.
 */
export interface DirectUploadForm {
  /** Where the form posts (the bucket's URL). */
  url: string;
  /** The hidden fields, in order; the file input (`file`) goes after them, last. */
  fields: [name: string, value: string][];
}

export interface DirectUpload {
  /** The origin the forms post to: pages allow it in their CSP's form-action. */
  readonly origin: string;
  /** A signed form for one file of 1 to `maxBytes` bytes under `keyPrefix`, redirecting to `redirect` (S3 adds bucket, key, etag). */
  form(input: { keyPrefix: string; maxBytes: number; redirect: string; expiresSeconds: number }): Promise<DirectUploadForm>;
  /** The staged object's size, without reading it; null when there is none. */
  size(key: string): Promise<number | null>;
  read(key: string): Promise<Uint8Array | null>;
  remove(key: string): Promise<void>;
}
