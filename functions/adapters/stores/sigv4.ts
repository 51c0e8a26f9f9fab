import { createHash, createHmac } from 'node:crypto';

/** The pieces of AWS Signature Version 4 that S3's browser forms and signed addresses need. */
export const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** 20261020T020304Z, as Signature Version 4 spells a moment (its first 8 characters: the day). */
export const amzDateOf = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** The key that signs for one day, region and service. */
export const signingKey = (secretAccessKey: string, day: string, region: string, service = 's3') =>
  hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');

/** RFC 3986 encoding, as SigV4 wants it (S3 keys: each path segment so, the slashes kept). */
export const uriEncode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
