import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_LIMITS } from '../../functions/domain/evidence.ts';
import { composeQuery } from '../../functions/runtimes/compose.ts';
import { directUploadApp, UPLOAD_BUCKET } from '../helpers/directUploadApp.ts';
import { largePdf, largeReportXlsx } from '../helpers/largeFiles.ts';
import { provinceReport } from '../helpers/provinceRegistry.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * Files past the query function's 6 MB payload cap, sent as on AWS, with no browser: the app
 * composed with the upload bucket (s3rver on loopback, judging POST policies as S3 does), its
 * /nop and evidence pages fetched, their forms parsed and posted to the bucket exactly as a browser
 * posts them, S3's 303 followed back to the app (first without the SameSite=Strict cookie, as a
 * browser after a cross-site redirect, then by the page's own refresh with it): an 8 MB workbook
 * gets its receipt, a 7 MB scanned PDF is attached and downloaded back byte for byte; another
 * account's staged key is refused; a staged file over the cap is refused unread and deleted.
 */
const BUCKET = UPLOAD_BUCKET;
let t: Awaited<ReturnType<typeof directUploadApp>>;
let s3rver: Awaited<ReturnType<typeof directUploadApp>>['s3rver'];
let dir: string;
let reads: string[];
let accounts: Awaited<ReturnType<typeof directUploadApp>>['accounts'];
let server: { base: string };

beforeAll(async () => {
  t = await directUploadApp();
  ({ s3rver, dir, reads, accounts } = t);
  server = { base: t.base };
}, 120_000);
afterAll(async () => { await t?.close(); });

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

async function signIn(code: string): Promise<string> {
  const res = await fetch(`${server.base}/login`, { method: 'POST', body: new URLSearchParams({ token: code }), headers: { Origin: server.base }, redirect: 'manual' });
  expect(res.status).toBe(303);
  return /chiso_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
}

/** A page as the signed-in browser gets it, with its CSP. */
async function page(path: string, cookie: string) {
  const res = await fetch(`${server.base}${path}`, { headers: { Cookie: cookie } });
  expect(res.status).toBe(200);
  return { html: await res.text(), csp: res.headers.get('content-security-policy') ?? '' };
}

/** The direct-upload forms of a page: where each posts, its fields in order, and whose component it is. */
function directForms(html: string) {
  return [...html.matchAll(/<form method="post" action="([^"]+)" enctype="multipart\/form-data" class="direct-upload">([\s\S]*?)<\/form>/g)].map((m) => {
    const inputs = [...m[2]!.matchAll(/<input ([^>]*)>/g)].map((i) => Object.fromEntries([...i[1]!.matchAll(/(\w[\w-]*)="([^"]*)"/g)].map((a) => [a[1]!, unescape(a[2]!)])));
    const before = html.slice(0, m.index);
    const component = /data-component="([^"]+)"[^]*$/.exec(before.slice(before.lastIndexOf('<article')))?.[1] ?? null;
    return { action: unescape(m[1]!), inputs, component };
  });
}

/** Posts a file with a page's form straight to the bucket, as a browser does: the hidden fields in order, the file last. */
async function postToBucket(form: ReturnType<typeof directForms>[number], name: string, bytes: Uint8Array, type: string) {
  const body = new FormData();
  for (const input of form.inputs.filter((i) => i.type === 'hidden')) body.append(input.name!, input.value!);
  const file = form.inputs.at(-1)!;
  expect([file.type, file.name]).toEqual(['file', 'file']);
  body.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  return fetch(form.action, { method: 'POST', body, redirect: 'manual' });
}

/** S3's redirect followed back to the app: no cookie on the cross-site hop, then the page's refresh with it. */
async function backToApp(s3Answer: Response, cookie: string): Promise<Response> {
  expect(s3Answer.status, await s3Answer.clone().text()).toBe(303);
  const location = s3Answer.headers.get('location')!;
  expect(location.startsWith(server.base)).toBe(true);
  const bounce = await fetch(location, { redirect: 'manual' });
  expect(bounce.status).toBe(200);
  const refresh = unescape(/<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(await bounce.text())![1]!);
  expect(refresh).toMatch(/[?&]tiep=1(&|$)/);
  return fetch(`${server.base}${refresh}`, { headers: { Cookie: cookie }, redirect: 'manual' });
}

const staged = async () => ((await s3rver.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'staging/' }))).Contents ?? []).map((o) => o.Key!);

describe('a file past the payload cap, straight to the bucket (AWS, over s3rver)', () => {
  it('an 8 MB workbook sent from /nop gets its receipt; the staged copy is gone', async () => {
    const cookie = await signIn(accounts.clerk);
    const nop = await page('/nop', cookie);
    expect(nop.csp).toContain(`form-action 'self' ${s3rver.endpoint};`);
    const [form] = directForms(nop.html);
    expect(form!.action).toBe(`${s3rver.endpoint}/${BUCKET}`);
    expect(nop.html).not.toContain('action="/nop"');
    const rows = provinceReport('Quý III/2026', [['xa-yen-lac', 64, true]]).trim().split('\n').map((line) => line.split(',').map((v) => (/^\d+$/.test(v) ? Number(v) : v || null)));
    const workbook = await largeReportXlsx(rows, 8 * 1024 * 1024);
    expect(workbook.length).toBeGreaterThan(8 * 1024 * 1024);

    const answer = await backToApp(await postToBucket(form!, 'Báo cáo Quý III (bản ký).xlsx', workbook, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), cookie);
    expect(answer.status, await answer.clone().text()).toBe(303);
    const receipt = /^\/nop\/nhan\/([A-Z0-9]{4}-[A-Z0-9]{4})$/.exec(answer.headers.get('location') ?? '')?.[1];
    expect(receipt).toBeTruthy();
    const shown = await page(`/nop/nhan/${receipt}`, cookie);
    expect(shown.html).toContain(`<code data-receipt>${receipt}</code>`);
    expect(shown.html).toContain('Báo cáo Quý III (bản ký).xlsx');
    expect(shown.html).toMatch(/data-indicator="DOC"/);
    expect(await staged()).toEqual([]);
  }, 120_000);

  it('a 7 MB scanned PDF is attached to its component and downloaded back byte for byte; one past 10 MB is refused by the bucket', async () => {
    const cookie = await signIn(accounts.clerk);
    const evidence = await page('/nop/kiem-chung?period=2026-Q3', cookie);
    const forms = directForms(evidence.html);
    // One form a component (an S3 POST takes one file), and the self-assessment's.
    expect(forms.map((f) => f.component)).toEqual([null, 'DOC', 'SIG', 'DVC']);
    const doc = forms.find((f) => f.component === 'DOC')!;
    const pdf = await largePdf(7 * 1024 * 1024);
    expect(pdf.length).toBeGreaterThan(7 * 1024 * 1024);

    const answer = await backToApp(await postToBucket(doc, 'Quyết định 12-QĐ-UBND (bản quét).pdf', pdf, 'application/pdf'), cookie);
    expect(answer.status, await answer.clone().text()).toBe(303);
    expect(answer.headers.get('location')).toBe('/nop/kiem-chung?period=2026-Q3&kc=1');
    const listed = await page('/nop/kiem-chung?period=2026-Q3&kc=1', cookie);
    expect(listed.html).toContain('Đã lưu 1 tệp kiểm chứng.');
    const href = /<article class="review" data-component="DOC">[\s\S]*?href="(\/nop\/kiem-chung\/xa-yen-lac\/2026-Q3\/[^"]+)"/.exec(listed.html)?.[1];
    expect(href).toBeTruthy();
    const download = await fetch(`${server.base}${href}`, { headers: { Authorization: `Bearer ${accounts.appraiser}` } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
    expect(await staged()).toEqual([]);

    // Taken back before the appraisal: gone from the page, and in the audit log with who and what.
    const id = href!.split('/').at(-1)!;
    const removed = await fetch(`${server.base}/nop/kiem-chung/go?period=2026-Q3`, { method: 'POST', body: new URLSearchParams({ id }), headers: { Cookie: cookie, Origin: server.base }, redirect: 'manual' });
    expect(removed.status).toBe(303);
    expect((await page('/nop/kiem-chung?period=2026-Q3', cookie)).html).not.toContain(id);
    const logged = (await t.services.audit.list()).find((e) => e.action === 'evidence.remove');
    expect(logged).toMatchObject({ actor_name: 'Văn thư xã Yên Lạc', target: `xa-yen-lac/2026-Q3/DOC/${id}`, detail: expect.stringContaining('Quyết định 12-QĐ-UBND (bản quét).pdf') });
    expect(logged!.address).toBe('127.0.0.1');

    // The policy's content-length-range: the bucket itself refuses a file past the evidence cap.
    const tooLarge = await postToBucket(doc, 'qua-lon.pdf', new Uint8Array(EVIDENCE_LIMITS.maxFileBytes + 1), 'application/pdf');
    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.text()).toContain('EntityTooLarge');
    // Nor may a form be pointed at another unit's folder: the key is held by the signed policy.
    const moved = { ...doc, inputs: doc.inputs.map((i) => (i.name === 'key' ? { ...i, value: i.value!.replace('unit=xa-yen-lac', 'unit=xa-te-lo') } : i)) };
    const elsewhere = await postToBucket(moved, 'qd.pdf', pdf.subarray(0, 1024), 'application/pdf');
    expect([elsewhere.status, await elsewhere.text()]).toEqual([403, expect.stringContaining('Invalid according to Policy')]);
    expect(await staged()).toEqual([]);
  }, 120_000);

  it('refuses a staged key of another unit or account, and one over the cap unread (then deleted)', async () => {
    const cookie = await signIn(accounts.clerk);
    const otherCookie = await signIn(accounts.otherClerk);
    // Tề Lỗ's clerk stages a file with her own form; Yên Lạc's clerk cannot take it in.
    const [theirs] = directForms((await page('/nop', otherCookie)).html);
    const theirKey = `${theirs!.inputs.find((i) => i.name === 'key')!.value!.replace('${filename}', '')}so-lieu-te-lo.csv`;
    await s3rver.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: theirKey, Body: csvBytes(provinceReport('Quý III/2026', [['xa-te-lo', 71, true]])) }));
    const refused = await fetch(`${server.base}/nop/tai-len?${new URLSearchParams({ bucket: BUCKET, key: theirKey })}`, { headers: { Cookie: cookie } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('không thuộc tài khoản hoặc đơn vị của bạn');
    // A key made up under Yên Lạc's folder, with no signature of this deployment: refused the same.
    const madeUp = `staging/report/unit=xa-yen-lac/${'0'.repeat(32)}.${'f'.repeat(32)}/x.csv`;
    expect((await fetch(`${server.base}/nop/tai-len?${new URLSearchParams({ key: madeUp })}`, { headers: { Cookie: cookie } })).status).toBe(403);
    expect(reads).not.toContain(theirKey);
    // Still there for its own clerk, who takes it in.
    expect((await s3rver.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: theirKey }))).ContentLength).toBeGreaterThan(0);
    const own = await fetch(`${server.base}/nop/tai-len?${new URLSearchParams({ bucket: BUCKET, key: theirKey })}`, { headers: { Cookie: otherCookie }, redirect: 'manual' });
    expect(own.status).toBe(303);

    // A file past the evidence cap staged under Yên Lạc's own signed prefix (as if the policy had
    // let it through): refused by its size, never read, deleted.
    const doc = directForms((await page('/nop/kiem-chung?period=2026-Q3', cookie)).html).find((f) => f.component === 'DOC')!;
    const bigKey = `${doc.inputs.find((i) => i.name === 'key')!.value!.replace('${filename}', '')}qua-lon.pdf`;
    await s3rver.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: bigKey, Body: new Uint8Array(EVIDENCE_LIMITS.maxFileBytes + 1) }));
    const over = await fetch(`${server.base}/nop/kiem-chung/tai-len?${new URLSearchParams({ bucket: BUCKET, key: bigKey })}`, { headers: { Cookie: cookie } });
    expect(over.status).toBe(413);
    expect(await over.text()).toContain('quá lớn (10,0 MB); tối đa 10 MB');
    expect(reads).not.toContain(bigKey);
    expect(await staged()).toEqual([]);
    // The same redirect again (a reload): the file is gone, said plainly.
    const again = await fetch(`${server.base}/nop/kiem-chung/tai-len?${new URLSearchParams({ bucket: BUCKET, key: bigKey })}`, { headers: { Cookie: cookie } });
    expect(again.status).toBe(404);
  }, 120_000);

  it('keeps the local forms where there is no bucket', async () => {
    const local = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 });
    try {
      const res = await local.app.request('/nop', { headers: { Authorization: `Bearer ${accounts.clerk}` } });
      const html = await res.text();
      expect(html).toContain('action="/nop"');
      expect(html).not.toContain('direct-upload');
      expect(res.headers.get('content-security-policy')).toContain("form-action 'self';");
    } finally {
      await local.close();
    }
  });
});
