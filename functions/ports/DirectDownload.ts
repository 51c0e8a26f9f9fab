/**
 * The direct-download port (AWS only): a stored file too large for the query function's response
 * (6 MB of payload, a binary body base64-encoded in it) is fetched by the browser straight from
 * the lake bucket, at a short-lived signed address that makes it a download. Absent locally.
 */
export interface DirectDownload {
  /** A signed GET address of `key`, served as an attachment named `fileName` of `contentType`. */
  url(key: string, as: { fileName: string; contentType: string; expiresSeconds: number }): Promise<string>;
}
