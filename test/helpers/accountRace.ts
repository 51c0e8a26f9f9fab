import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { expect } from 'vitest';
import { hashToken } from '../../functions/domain/access/tokens.ts';
import { createClock } from '../../functions/domain/clock.ts';
import type { RegistryFiles } from '../../functions/domain/registry/catalog.ts';
import { registerLoginRoutes } from '../../functions/http/auth.ts';
import type { Env, HttpDeps } from '../../functions/http/context.ts';
import { registerAdminRoutes } from '../../functions/http/pages/adminRoutes.ts';
import type { ObjectStore } from '../../functions/ports/ObjectStore.ts';
import { AccountBusyError, createTokenStore, StoreLinkRegistry } from '../../functions/services/accessStore.ts';
import { createAuditLog } from '../../functions/services/audit.ts';
import { openRegistry } from '../../functions/services/registry.ts';
import { createSettings } from '../../functions/services/settings.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const DAY = 86_400_000;

/** Counts what reaches the store: checking a sign-in must stay a few GETs, never a listing. */
export function countingStore(store: ObjectStore) {
  const calls = { get: 0, put: 0, list: 0, delete: 0 };
  const counted: ObjectStore = {
    get: (key) => { calls.get++; return store.get(key); },
    put: (key, body, options) => { calls.put++; return store.put(key, body, options); },
    delete: (key) => { calls.delete++; return store.delete(key); },
    list: (prefix) => { calls.list++; return store.list(prefix); },
  };
  return { store: counted, calls, reset: () => Object.assign(calls, { get: 0, put: 0, list: 0, delete: 0 }) };
}

/**
 * Administrators acting on the same accounts at once, straight on the token store: no change that
 * answered is lost, one re-issue of two makes a code, a change that keeps losing is refused whole.
 */
export async function raceAccountChanges(store: ObjectStore): Promise<void> {
  const tokens = createTokenStore(store, { ttlMs: 0 });
  const at = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  // 30 accounts; on each at once one administrator suspends, another renews, a third signs it out everywhere.
  const codes = await Promise.all(Array.from({ length: 30 }, (_, i) => tokens.issue({ name: `Cán bộ ${i}`, role: 'staff', unit: `xa-${i}` })));
  const ids = await Promise.all(codes.map(async (code) => ((await tokens.token(code)) as { record: { id: string } }).record.id));
  await Promise.all(ids.flatMap((id, i) => [
    tokens.update(id, { suspended_at: iso(at + i) }),
    tokens.update(id, { expires_at: iso(at + 400 * DAY + i) }),
    tokens.update(id, { sessions_after: iso(at + 2 * i) }),
  ]));
  for (const [i, id] of ids.entries()) {
    expect(await tokens.find(id), `account ${i}`).toMatchObject({ suspended_at: iso(at + i), expires_at: iso(at + 400 * DAY + i), sessions_after: iso(at + 2 * i) });
    expect((await tokens.token(codes[i]!)).kind).toBe('suspended');
  }

  // One account, 20 changes at once: a suspension among 19 renewals is never lost, and the
  // expiry is one of the renewals'.
  const [one] = ids;
  const renewals = Array.from({ length: 19 }, (_, i) => iso(at + 500 * DAY + i));
  await tokens.update(one!, { suspended_at: null });
  await Promise.all([...renewals.slice(0, 9).map((e) => tokens.update(one!, { expires_at: e })), tokens.update(one!, { suspended_at: iso(at) }), ...renewals.slice(9).map((e) => tokens.update(one!, { expires_at: e }))]);
  const after = (await tokens.find(one!))!;
  expect(after.suspended_at).toBe(iso(at));
  expect(renewals).toContain(after.expires_at);
  expect((await tokens.list()).find((t) => t.id === one)).toMatchObject({ suspended_at: iso(at), expires_at: after.expires_at });

  // Ten re-issues of one account at once, with a suspension: one new code, suspended whatever came first.
  const [, second] = ids;
  await tokens.update(second!, { suspended_at: null });
  const [reissues] = await Promise.all([
    Promise.all(Array.from({ length: 10 }, () => tokens.reissue(second!))),
    tokens.update(second!, { suspended_at: iso(at + 7) }),
  ]);
  const made = reissues.filter((r) => r !== null);
  expect(made).toHaveLength(1);
  expect((await tokens.token(codes[1]!)).kind).toBe('revoked');
  expect((await tokens.token(made[0]!.token)).kind).toBe('suspended');
  expect((await tokens.list()).filter((t) => t.replaces === second)).toHaveLength(1);
  // Resumed through the old id: the change goes to the account that replaced it.
  await tokens.update(second!, { suspended_at: null });
  expect((await tokens.token(made[0]!.token)).kind).toBe('valid');

  // A record of the old whole file (state/tokens.json), suspended and renewed at once: both kept.
  const legacyCode = 'chiso_staff_made-by-an-earlier-version';
  await store.put('state/tokens.json', JSON.stringify([{ id: 'bbbbbbbbbbbb', name: 'Văn thư', role: 'staff', unit: 'xa-1', sha256: hashToken(legacyCode), created_at: '2025-01-01T00:00:00.000Z' }]));
  await Promise.all([tokens.update('bbbbbbbbbbbb', { suspended_at: iso(at) }), tokens.update('bbbbbbbbbbbb', { expires_at: iso(at + 365 * DAY) })]);
  expect(await tokens.find('bbbbbbbbbbbb')).toMatchObject({ suspended_at: iso(at), expires_at: iso(at + 365 * DAY) });
  expect((await tokens.token(legacyCode)).kind).toBe('suspended');

  // A change that loses every round to a rival is refused whole, with words in both languages.
  const rivalled: ObjectStore = {
    ...store, get: (k) => store.get(k), delete: (k) => store.delete(k), list: (p) => store.list(p),
    put: async (key, body, options) => {
      if (options?.ifAbsent && key.includes('/token-versions/')) await store.put(key, body, options); // the rival, a moment earlier
      return store.put(key, body, options);
    },
  };
  const unlucky = createTokenStore(rivalled, { ttlMs: 0, maxAttempts: 3 });
  const before = await tokens.find(ids[2]!);
  const refused = await unlucky.update(ids[2]!, { suspended_at: null, expires_at: iso(at + 900 * DAY) }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(AccountBusyError);
  expect((refused as AccountBusyError).message).toMatch(/người khác thay đổi cùng lúc.*\/ Someone else is changing this account/);
  // The rival's versions are its own (the same value, written first); what the refused change wanted is nowhere.
  expect((await tokens.find(ids[2]!))!.suspended_at).toBe(before!.suspended_at);
}

/** The administrator's pages over `store`, with a registry of `units` test communes, or the registry files given, imported. */
export async function adminApp(store: ObjectStore, units: number | RegistryFiles = 12) {
  const clock = createClock(7);
  const shipped = (name: string) => readFile(join(root, 'schemas', name), 'utf8');
  const csv = (n: number) => `code,name_vi,name_en,type,aliases\n${Array.from({ length: n }, (_, i) => `xa-${i + 1},Xã Thử ${i + 1},Test ${i + 1},commune,`).join('\n')}\n`;
  const files = typeof units === 'number' ? { 'units.csv': csv(units), 'indicators.csv': await shipped('indicators.csv') } : units;
  const registry = await openRegistry(store, () => files, 7);
  const tokens = createTokenStore(store, { ttlMs: 0 });
  const deps = {
    store, catalog: registry.index, tokens: () => tokens.records(), access: tokens, links: new StoreLinkRegistry(store),
    settings: createSettings(store, clock.now), now: clock.now, today: clock.today, localTime: clock.localTime,
    runner: { lakeChanged: () => undefined },
    admin: { tokens, audit: createAuditLog(store, clock.now), registry, utcOffsetHours: 7 },
  } as unknown as HttpDeps;
  const app = new Hono<Env>();
  registerLoginRoutes(app, deps);
  registerAdminRoutes(app, deps);
  const post = (who: string, path: string, fields: Record<string, string> = {}) =>
    app.request(path, { method: 'POST', headers: { Authorization: `Bearer ${who}` }, body: new URLSearchParams(fields) });
  return { app, tokens, deps, post };
}

/** Two administrators press "accounts for every unit" at once: one clerk's account per unit. */
export async function raceBulkCreation(store: ObjectStore, units = 12): Promise<void> {
  const { tokens, post } = await adminApp(store, units);
  const [a, b] = [await tokens.issue({ name: 'Anh Minh', role: 'admin', unit: null }), await tokens.issue({ name: 'Chị Hoa', role: 'admin', unit: null })];
  const pages = await Promise.all([post(a, '/quan-tri/tai-khoan/tat-ca', { days: '365' }), post(b, '/quan-tri/tai-khoan/tat-ca', { days: '365' })]);
  const shown = (await Promise.all(pages.map((p) => p.text()))).flatMap((html) => [...html.matchAll(/<code class="code">(chiso_staff_[\w-]+)<\/code>/g)].map((m) => m[1]!));
  expect(shown).toHaveLength(units);
  const staff = (await tokens.list()).filter((t) => t.role === 'staff');
  expect(staff.map((t) => t.unit).sort()).toEqual(Array.from({ length: units }, (_, i) => `xa-${i + 1}`).sort());
  for (const code of shown) expect((await tokens.token(code)).kind).toBe('valid');

  // A unit whose account was deleted gets one again; the others none.
  const gone = staff[0]!;
  expect((await post(a, `/quan-tri/tai-khoan/${gone.id}/xoa`)).status).toBe(303);
  const again = await (await post(b, '/quan-tri/tai-khoan/tat-ca', { days: '365' })).text();
  expect([...again.matchAll(/<code class="code">chiso_staff_/g)]).toHaveLength(1);
  expect((await tokens.list()).filter((t) => t.role === 'staff' && !t.deleted_at && t.unit === gone.unit)).toHaveLength(1);
}

/** What checking a signed-in browser costs: GETs only, no listing, no write once its use is noted. */
export async function sessionCheckCost(store: ObjectStore): Promise<{ get: number; put: number; list: number; delete: number }> {
  const counting = countingStore(store);
  const tokens = createTokenStore(counting.store, { ttlMs: 0 });
  const code = await tokens.issue({ name: 'Cán bộ', role: 'staff', unit: 'xa-1' });
  const check = await tokens.token(code);
  if (check.kind !== 'valid') throw new Error(check.kind);
  await tokens.update(check.record.id, { expires_at: new Date(Date.now() + 30 * DAY).toISOString() }); // a changed record: versions exist
  const { id } = await tokens.openSession(check.record);
  await tokens.session(id);
  counting.reset();
  expect((await tokens.session(id)).kind).toBe('valid');
  return { ...counting.calls };
}
