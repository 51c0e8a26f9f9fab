import type { S3Client } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../functions/adapters/stores/S3ObjectStore.ts';
import { adminApp } from '../helpers/accountRace.ts';
import { startStrictS3rver as startS3rver } from '../helpers/strictS3rver.ts';

/**
 * The administrator's pages over the lake bucket as the query function sees it (s3rver on
 * loopback, the S3 wire protocol): a registry imported through the page, every unit's account
 * made, two administrators acting at once (each action kept, none lost), a clerk signed in and
 * its code re-issued.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
let s3rver: Awaited<ReturnType<typeof startS3rver>>;
let s3: S3Client;
beforeAll(async () => {
  s3rver = await startS3rver(['chiso-lake']);
  s3 = s3rver.s3;
});
afterAll(async () => { await s3rver.stop(); });

const shipped = (name: string) => readFile(join(root, 'schemas', name), 'utf8');

/** The pages over the lake bucket, with the example district's registry in force. */
const appOver = async (store: S3ObjectStore) => adminApp(store, { 'units.csv': await shipped('units.csv'), 'indicators.csv': await shipped('indicators.csv') });

const form = (fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of ([] as string[]).concat(v)) body.append(k, x);
  return body;
};

describe('the administrator\'s pages over S3 (s3rver)', () => {
  it('import a registry, make every unit\'s account, keep two administrators\' actions at once, re-issue a code', async () => {
    const store = new S3ObjectStore(s3, 'chiso-lake');
    const { app, tokens, deps } = await appOver(store);
    const [a, b] = [await tokens.issue({ name: 'Anh Minh', role: 'admin', unit: null }), await tokens.issue({ name: 'Chị Hoa', role: 'admin', unit: null })];
    const post = (who: string, path: string, body: URLSearchParams | FormData) =>
      app.request(path, { method: 'POST', headers: { Authorization: `Bearer ${who}` }, body });

    // The registry through the page: checked, previewed, confirmed.
    const files = new FormData();
    const units = `code,name_vi,name_en,type,aliases\n${Array.from({ length: 12 }, (_, i) => `xa-${i + 1},Xã Thử ${i + 1},Test ${i + 1},commune,`).join('\n')}\n`;
    files.append('files', new File([units], 'units.csv', { type: 'text/csv' }));
    files.append('files', new File([await shipped('indicators.csv')], 'indicators.csv', { type: 'text/csv' }));
    const preview = await post(a, '/quan-tri/danh-muc', files);
    expect(preview.status).toBe(200);
    const staged = /name="staged" value="([0-9a-f]{16})"/.exec(await preview.text())![1]!;
    const confirmed = await post(a, '/quan-tri/danh-muc/xac-nhan', form({ staged }));
    expect(confirmed.headers.get('location')).toBe('/quan-tri/danh-muc?xong=nhap');
    expect(deps.catalog.catalog.units).toHaveLength(12);

    // Every unit's account in one step; the sheets made from the codes shown.
    const made = await (await post(a, '/quan-tri/tai-khoan/tat-ca', form({ days: '365' }))).text();
    const codes = [...made.matchAll(/<code class="code">(chiso_staff_[\w-]+)<\/code>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(12);
    const sheets = await post(a, '/quan-tri/tai-khoan/phieu.pdf', form({ code: codes }));
    expect(sheets.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await sheets.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

    // Two administrators at once: one suspends half the clerks while the other renews the rest.
    const clerks = (await tokens.records()).filter((r) => r.role === 'staff');
    await Promise.all(clerks.map((r, i) => post(i % 2 ? b : a, `/quan-tri/tai-khoan/${r.id}/${i % 2 ? 'gia-han' : 'tam-khoa'}`, form({}))));
    const after = await tokens.list();
    for (const [i, r] of clerks.entries()) expect(Boolean(after.find((x) => x.id === r.id)!.suspended_at), r.name).toBe(i % 2 === 0);
    const log = await deps.admin!.audit.list();
    expect(log.filter((e) => e.action === 'account.suspend').map((e) => e.actor_name)).toEqual(Array(6).fill('Anh Minh'));
    expect(log.filter((e) => e.action === 'account.renew').map((e) => e.actor_name)).toEqual(Array(6).fill('Chị Hoa'));

    // A clerk (not suspended) signs in; its code re-issued: the session and the old code stop.
    const active = (await Promise.all(codes.map(async (c) => ({ c, check: await tokens.token(c) })))).find((x) => x.check.kind === 'valid')!;
    const signIn = await app.request('/login', { method: 'POST', body: form({ token: active.c }) });
    expect(signIn.status).toBe(303);
    const cookie = /chiso_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')![1]!;
    expect((await tokens.session(cookie)).kind).toBe('valid');
    const id = active.check.kind === 'valid' ? active.check.record.id : '';
    const reissued = await post(b, `/quan-tri/tai-khoan/${id}/cap-lai`, form({}));
    expect(reissued.status).toBe(200);
    expect((await tokens.session(cookie)).kind).toBe('revoked');
    expect((await tokens.token(active.c)).kind).toBe('revoked');
    const fresh = /<code class="code">(chiso_staff_[\w-]+)<\/code>/.exec(await reissued.text())![1]!;
    expect((await tokens.token(fresh)).kind).toBe('valid');

    // Both administrators re-issue another clerk at the same moment: one new code, the other told so.
    const other = clerks.find((r) => r.id !== id)!;
    const both = await Promise.all([post(a, `/quan-tri/tai-khoan/${other.id}/cap-lai`, form({})), post(b, `/quan-tri/tai-khoan/${other.id}/cap-lai`, form({}))]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 303]);
    expect(both.find((r) => r.status === 303)!.headers.get('location')).toBe('/quan-tri/tai-khoan?xong=da-doi');
    expect((await tokens.list()).filter((t) => t.replaces === other.id)).toHaveLength(1);

    // Xã Thử 12 ceases in a new registry version: its clerk's account is flagged on the accounts page.
    const ceasing = new FormData();
    ceasing.append('files', new File([units], 'units.csv', { type: 'text/csv' }));
    ceasing.append('files', new File([await shipped('indicators.csv')], 'indicators.csv', { type: 'text/csv' }));
    ceasing.append('files', new File(['date,kind,from,to,share,to_name_vi,to_type,source,verified\n2025-01-01,retire,xa-12,,,,,"Nghị quyết thử",yes\n'], 'registry-events.csv', { type: 'text/csv' }));
    const ceasedPreview = await post(a, '/quan-tri/danh-muc', ceasing);
    expect(ceasedPreview.status).toBe(200);
    const ceasedStaged = /name="staged" value="([0-9a-f]{16})"/.exec(await ceasedPreview.text())![1]!;
    expect((await post(a, '/quan-tri/danh-muc/xac-nhan', form({ staged: ceasedStaged }))).headers.get('location')).toBe('/quan-tri/danh-muc?xong=nhap');
    const accountsPage = await (await app.request('/quan-tri/tai-khoan', { headers: { Authorization: `Bearer ${a}` } })).text();
    const flagged = [...accountsPage.matchAll(/<section class="admin-group ceased"><h3>([^<]+) <span class="flag">/g)].map((m) => m[1]);
    expect(flagged).toEqual(['Xã Thử 12']);

    // The issuing body printed at the head of documents: a setting with its history, one line only.
    const body = 'ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ';
    expect((await post(a, '/quan-tri/cai-dat/issuing_body', form({ value: `${body}\n<script>` }))).status).toBe(400);
    expect((await post(a, '/quan-tri/cai-dat/issuing_body', form({ value: body, note: 'theo Quyết định 12/QĐ-UBND' }))).headers.get('location')).toBe('/quan-tri/cai-dat?xong=cai-dat');
    expect(await deps.settings.value('issuing_body')).toBe(body);
    expect((await deps.settings.history()).filter((h) => h.key === 'issuing_body').map((h) => [h.value, h.changed_by_name, h.note])).toEqual([[body, 'Anh Minh', 'theo Quyết định 12/QĐ-UBND']]);
    const settingsPage = await (await app.request('/quan-tri/cai-dat', { headers: { Authorization: `Bearer ${b}` } })).text();
    expect(settingsPage).toContain('Cơ quan ban hành');
    expect(settingsPage).toContain(body);

    // Someone else's browser posting to these pages is refused; a clerk is not an administrator.
    expect((await app.request('/quan-tri/tai-khoan/tat-ca', { method: 'POST', headers: { Authorization: `Bearer ${a}`, Origin: 'https://evil.example' }, body: form({}) })).status).toBe(403);
    expect((await app.request('/quan-tri/tai-khoan', { headers: { Authorization: `Bearer ${fresh}` } })).status).toBe(403);
  }, 120_000);
});
