import { S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { S3DirectDownload } from '../../functions/adapters/stores/S3DirectDownload.ts';
import { S3DirectUpload } from '../../functions/adapters/stores/S3DirectUpload.ts';
import { DIRECT_UPLOAD_EXPIRES_SECONDS, stagingPrefix, uploadConditions, verifyStagedKey } from '../../functions/domain/directUpload.ts';

/**
 * The presigned POST a clerk's form carries on AWS, worked out without any network: the key
 * prefix bound to the unit (and period and component), a nonce signed for the account, the policy's
 * conditions and expiry, and its Signature Version 4 signature as the AWS SDK's signer computes it.
 */
const secret = Buffer.from('e2e-link-signing-key-0123456789abcdef');
const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE' };
const now = new Date('2026-10-20T02:03:04.567Z');

/** node:crypto as the hash the SDK's signer takes (HMAC when given a key). */
class NodeSha256 {
  private readonly hash;
  constructor(key?: Uint8Array | ArrayBuffer | ArrayBufferView | string) { this.hash = key ? createHmac('sha256', typeof key === 'string' ? key : Buffer.from(key as Uint8Array)) : createHash('sha256'); }
  update(data: Uint8Array | ArrayBuffer | ArrayBufferView | string) { this.hash.update(typeof data === 'string' ? data : Buffer.from(data as Uint8Array)); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}

describe('the staging key of a direct upload', () => {
  it('is bound to the unit (and period and component) and signed for the account', () => {
    const report = stagingPrefix(secret, { kind: 'report', unit: 'xa-yen-lac' }, 'acc-1', 'a'.repeat(32));
    expect(report).toMatch(/^staging\/report\/unit=xa-yen-lac\/a{32}\.[0-9a-f]{32}\/$/);
    expect(verifyStagedKey(secret, `${report}Báo cáo Quý III.xlsx`, 'acc-1')).toEqual({ target: { kind: 'report', unit: 'xa-yen-lac' }, nonce: 'a'.repeat(32), fileName: 'Báo cáo Quý III.xlsx' });
    // Another account, another deployment's secret, another unit written into the key: none is this app's.
    expect(verifyStagedKey(secret, `${report}x.xlsx`, 'acc-2')).toBeNull();
    expect(verifyStagedKey(Buffer.from('another deployment'), `${report}x.xlsx`, 'acc-1')).toBeNull();
    expect(verifyStagedKey(secret, `${report.replace('xa-yen-lac', 'xa-te-lo')}x.xlsx`, 'acc-1')).toBeNull();
    expect(verifyStagedKey(secret, report, 'acc-1')).toBeNull(); // no file name
    expect(verifyStagedKey(secret, `uploads/${report}x.xlsx`, 'acc-1')).toBeNull();

    const evidence = stagingPrefix(secret, { kind: 'evidence', unit: 'xa-yen-lac', period: '2026-Q3', component: 'DOC' }, 'acc-1');
    expect(evidence).toMatch(/^staging\/evidence\/unit=xa-yen-lac\/period=2026-Q3\/component=DOC\/[0-9a-f]{32}\.[0-9a-f]{32}\/$/);
    expect(verifyStagedKey(secret, `${evidence}qd.pdf`, 'acc-1')?.target).toEqual({ kind: 'evidence', unit: 'xa-yen-lac', period: '2026-Q3', component: 'DOC' });
    expect(verifyStagedKey(secret, `${evidence.replace('component=DOC', 'component=SIG')}qd.pdf`, 'acc-1')).toBeNull();
    expect(verifyStagedKey(secret, `${evidence.replace('2026-Q3', '2026-Q2')}qd.pdf`, 'acc-1')).toBeNull();
    // Two forms never share a prefix.
    expect(stagingPrefix(secret, { kind: 'report', unit: 'xa-yen-lac' }, 'acc-1')).not.toBe(stagingPrefix(secret, { kind: 'report', unit: 'xa-yen-lac' }, 'acc-1'));
    expect(() => stagingPrefix(secret, { kind: 'report', unit: '../lake' }, 'acc-1')).toThrow();
  });
});

describe('the presigned POST policy', () => {
  it('allows one file of 1 byte to the cap, under the prefix, to this bucket, back to the app, for 30 minutes, signed as the SDK signs', async () => {
    const s3 = new S3Client({ region: 'ap-southeast-1', credentials });
    const upload = await S3DirectUpload.create(s3, 'chiso-uploads-abc', { now: () => now });
    expect(upload.origin).toBe('https://chiso-uploads-abc.s3.ap-southeast-1.amazonaws.com');
    const keyPrefix = stagingPrefix(secret, { kind: 'report', unit: 'xa-yen-lac' }, 'acc-1');
    const redirect = 'https://chiso.phutho.gov.vn/nop/tai-len?lang=en';
    const form = await upload.form({ keyPrefix, maxBytes: 50 * 1024 * 1024, redirect, expiresSeconds: DIRECT_UPLOAD_EXPIRES_SECONDS });
    expect(form.url).toBe('https://chiso-uploads-abc.s3.ap-southeast-1.amazonaws.com/');
    const fields = Object.fromEntries(form.fields);
    expect(form.fields.map(([name]) => name)).toEqual(['key', 'success_action_redirect', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Security-Token', 'Policy', 'X-Amz-Signature']);
    expect(fields.key).toBe(`${keyPrefix}\${filename}`);
    expect(fields['X-Amz-Credential']).toBe('ASIAEXAMPLE/20261020/ap-southeast-1/s3/aws4_request');
    expect(fields['X-Amz-Date']).toBe('20261020T020304Z');

    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
    expect(policy.expiration).toBe('2026-10-20T02:33:04.567Z');
    expect(policy.conditions).toEqual([
      { bucket: 'chiso-uploads-abc' },
      ['starts-with', '$key', keyPrefix],
      ['content-length-range', 1, 52_428_800],
      { success_action_redirect: redirect },
      { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
      { 'x-amz-credential': 'ASIAEXAMPLE/20261020/ap-southeast-1/s3/aws4_request' },
      { 'x-amz-date': '20261020T020304Z' },
      { 'x-amz-security-token': credentials.sessionToken },
    ]);
    expect(uploadConditions({ bucket: 'b', keyPrefix: 'staging/x/', maxBytes: 10, redirect: 'https://a/b' })).toEqual([
      { bucket: 'b' }, ['starts-with', '$key', 'staging/x/'], ['content-length-range', 1, 10], { success_action_redirect: 'https://a/b' },
    ]);

    const signer = new SignatureV4({ service: 's3', region: 'ap-southeast-1', credentials, sha256: NodeSha256 });
    expect(fields['X-Amz-Signature']).toBe(await signer.sign(fields.Policy!, { signingDate: now }));
    s3.destroy();
  });

  it('posts to an S3-compatible server path-style, without a session token when the credentials have none', async () => {
    const s3 = new S3Client({ region: 'ap-southeast-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const upload = await S3DirectUpload.create(s3, 'chiso-uploads', { endpoint: 'http://127.0.0.1:4568/', now: () => now });
    const form = await upload.form({ keyPrefix: 'staging/report/unit=x/', maxBytes: 10, redirect: 'http://127.0.0.1/nop/tai-len', expiresSeconds: 60 });
    expect([form.url, upload.origin]).toEqual(['http://127.0.0.1:4568/chiso-uploads', 'http://127.0.0.1:4568']);
    expect(form.fields.map(([name]) => name)).not.toContain('X-Amz-Security-Token');
    s3.destroy();
  });
});

describe('the signed download address of a file past the function\'s response cap', () => {
  it('is a GET of the lake object served as an attachment, for 5 minutes, signed as the SDK presigns it', async () => {
    const s3 = new S3Client({ region: 'ap-southeast-1', credentials });
    const download = await S3DirectDownload.create(s3, 'chiso-lake-abc', { now: () => now });
    const key = 'evidence/unit=xa-yen-lac/period=2026-Q3/20261020T020304567Z-0a1b2c3d.bin';
    const url = new URL(await download.url(key, { fileName: 'Quyết định 12 (bản quét).pdf', contentType: 'application/pdf', expiresSeconds: 300 }));
    expect(`${url.origin}${url.pathname}`).toBe(`https://chiso-lake-abc.s3.ap-southeast-1.amazonaws.com/evidence/unit%3Dxa-yen-lac/period%3D2026-Q3/20261020T020304567Z-0a1b2c3d.bin`);
    const q = Object.fromEntries(url.searchParams);
    expect(q['X-Amz-Expires']).toBe('300');
    expect(q['response-content-disposition']).toBe(`attachment; filename="Quyet_dinh_12_ban_quet_.pdf"; filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012%20%28b%E1%BA%A3n%20qu%C3%A9t%29.pdf`);
    expect(q['response-content-type']).toBe('application/pdf');

    const signer = new SignatureV4({ service: 's3', region: 'ap-southeast-1', credentials, sha256: NodeSha256, uriEscapePath: false });
    const presigned = await signer.presign({
      method: 'GET', protocol: 'https:', hostname: url.hostname, path: url.pathname, headers: { host: url.hostname },
      query: { 'response-content-disposition': q['response-content-disposition']!, 'response-content-type': 'application/pdf' },
      // Neither a string nor bytes: the signer takes the payload as UNSIGNED-PAYLOAD, as S3's presigner does.
      body: {},
    } as never, { signingDate: now, expiresIn: 300 });
    expect(q['X-Amz-Signature']).toBe(presigned.query!['X-Amz-Signature']);
    expect(q['X-Amz-Security-Token']).toBe(credentials.sessionToken);
    s3.destroy();
  });
});
