import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { hashToken } from '../../functions/domain/access/tokens.ts';
import { signLink } from '../../functions/domain/access/signedLinks.ts';
import { accessApp } from '../helpers/accessRace.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'chiso-access-legacy-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** A deployment from before one object per record: state/tokens.json and state/links.json, whole. */
describe('tokens and links kept whole by an earlier version', () => {
  it('keep working, can be revoked, and sign in with a session', async () => {
    const analyst = 'chiso_analyst_made-by-an-earlier-version';
    const clerk = 'chiso_staff_made-by-an-earlier-version';
    await mkdir(join(dir, 'state'), { recursive: true });
    await writeFile(join(dir, 'state/tokens.json'), JSON.stringify([
      { id: 'aaaaaaaaaaaa', name: 'Chị Lan', role: 'analyst', unit: null, sha256: hashToken(analyst), created_at: '2025-01-01T00:00:00.000Z' },
      { id: 'bbbbbbbbbbbb', name: 'Văn thư', role: 'staff', unit: 'xa-lien-chau', sha256: hashToken(clerk), created_at: '2025-01-01T00:00:00.000Z' },
    ]));
    const store = new FsObjectStore(dir);
    const { app, tokens } = accessApp(store);
    const bearer = (code: string) => ({ Authorization: `Bearer ${code}` });
    expect((await app.request('/api/links', { headers: bearer(analyst) })).status).toBe(200);
    expect((await app.request('/api/links', { headers: bearer(clerk) })).status).toBe(200);

    const login = await app.request('/login', { method: 'POST', body: new URLSearchParams({ token: clerk }) });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

    expect((await tokens.list()).map((t) => [t.id, t.expires_at, t.revoked_at])).toEqual([['aaaaaaaaaaaa', null, null], ['bbbbbbbbbbbb', null, null]]);
    expect(await tokens.revoke('bbbbbbbbbbbb')).toMatchObject({ name: 'Văn thư' });
    expect((await app.request('/api/links', { headers: bearer(clerk) })).status).toBe(401);
    expect((await app.request('/nop', { headers: { Cookie: cookie } })).status).toBe(303); // its session ended too
    expect((await app.request('/api/links', { headers: bearer(analyst) })).status).toBe(200);
  });

  it('lists and revokes links of the old whole file', async () => {
    const analyst = 'chiso_analyst_made-by-an-earlier-version';
    const store = new FsObjectStore(dir);
    const { app, linkSecret } = accessApp(store);
    // Signed as the earlier version signed them, with the same key.
    const signed = (id: string) => signLink({ id, query: 'unit_ranking', params: { period: '2024-Q4' }, exp: 4102444800, by: 'aaaaaaaaaaaa', by_name: 'Chị Lan' }, linkSecret).token;
    const legacy = [
      { id: 'cccccccccccc', query: 'unit_ranking', params: { period: '2024-Q4' }, exp: 4102444800, by: 'aaaaaaaaaaaa', by_name: 'Chị Lan', created_at: '2025-01-01T00:00:00.000Z', revoked_at: null, url: 'http://x/l/c' },
      { id: 'dddddddddddd', query: 'unit_ranking', params: { period: '2024-Q4' }, exp: 4102444800, by: 'aaaaaaaaaaaa', by_name: 'Chị Lan', created_at: '2025-01-02T00:00:00.000Z', revoked_at: '2025-02-01T00:00:00.000Z', url: 'http://x/l/d' },
    ];
    await writeFile(join(dir, 'state/links.json'), JSON.stringify(legacy));
    const bearer = { Authorization: `Bearer ${analyst}` };
    const list = async () => new Map(((await (await app.request('/api/links', { headers: bearer })).json()) as { id: string; status: string }[]).map((l) => [l.id, l.status]));
    expect(await list()).toEqual(new Map([['cccccccccccc', 'active'], ['dddddddddddd', 'revoked']]));
    expect((await app.request('/api/links/cccccccccccc', { method: 'DELETE', headers: bearer })).status).toBe(200);
    expect(await list()).toEqual(new Map([['cccccccccccc', 'revoked'], ['dddddddddddd', 'revoked']]));
    expect((await app.request(`/l/${signed('cccccccccccc')}`)).status).toBe(410);
    expect((await app.request(`/l/${signed('dddddddddddd')}`)).status).toBe(410);
    expect((await app.request(`/l/${signed('eeeeeeeeeeee')}`)).status).toBe(200);
  });
});
