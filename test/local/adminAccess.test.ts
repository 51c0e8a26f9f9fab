import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { codePrefix, createRateLimiter, SIGN_IN_LIMITS } from '../../functions/domain/access/rateLimit.ts';
import { SESSION_DAYS, SESSION_IDLE_HOURS, sessionState, type SessionRecord } from '../../functions/domain/access/tokens.ts';
import { registerLoginRoutes } from '../../functions/http/auth.ts';
import type { Env } from '../../functions/http/context.ts';
import { createTokenStore } from '../../functions/services/accessStore.ts';
import { createSettings } from '../../functions/services/settings.ts';

/**
 * Sessions and sign-in attempts judged by a clock the test moves (never a sleep): idle and
 * absolute expiry, sign-out everywhere, a suspended or re-issued account's sessions ending at
 * their next request, and failed sign-ins past the limit refused with 429 and a clear page.
 */
const HOUR = 3_600_000;
let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'chiso-admin-access-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('rate limiting', () => {
  it('refuses a key past its failures within the window, and lets it in again once the oldest falls out', () => {
    let now = 0;
    const limiter = createRateLimiter({ limit: 3, windowMs: 10 * 60_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('a')).toBe(0);
      limiter.fail('a');
      now += 60_000;
    }
    // Three failures at 0, 1 and 2 minutes; now 3 minutes: the first falls out at 10.
    expect(limiter.retryAfter('a')).toBe(7 * 60);
    expect(limiter.retryAfter('b')).toBe(0);
    now = 10 * 60_000 + 1;
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.fail('a');
    expect(limiter.retryAfter('a')).toBeGreaterThan(0);
    limiter.clear('a');
    expect(limiter.retryAfter('a')).toBe(0);
  });

  it('keeps at most maxKeys keys (a flood of made-up addresses cannot grow it without end)', () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 }, () => 0, 2);
    limiter.fail('a');
    limiter.fail('b');
    limiter.fail('c');
    expect(limiter.retryAfter('a')).toBe(0);
    expect(limiter.retryAfter('c')).toBe(60);
  });

  it('takes a code\'s role and first random characters as its prefix', () => {
    expect(codePrefix('chiso_staff_abcdefghijklmnop')).toBe('chiso_staff_abcdefgh');
    expect(codePrefix('chiso_head_abcdefghijklmnop')).toBe('chiso_head_abcdefgh');
  });

  it('answers 429 with a page saying how long to wait, per address and per code prefix', async () => {
    let now = Date.parse('2026-12-04T03:00:00Z');
    const store = new FsObjectStore(join(dir, 'limits'));
    const tokens = createTokenStore(store, { now: () => new Date(now) });
    const good = await tokens.issue({ name: 'Cán bộ', role: 'staff', unit: 'xa-a' });
    const app = new Hono<Env>();
    registerLoginRoutes(app, { access: tokens, settings: createSettings(store, () => new Date(now)), now: () => new Date(now) });
    const login = (token: string) => app.request('/login', { method: 'POST', body: new URLSearchParams({ token }) });
    // One code guessed at: its prefix is held after five failures, another prefix is not.
    const guess = `${good.slice(0, 20)}WRONG`;
    for (let i = 0; i < SIGN_IN_LIMITS.prefix.limit; i++) expect((await login(`${guess}${i}`)).status).toBe(401);
    const held = await login(`${guess}x`);
    expect(held.status).toBe(429);
    expect(Number(held.headers.get('retry-after'))).toBe(15 * 60);
    expect(await held.text()).toContain('Đã thử đăng nhập sai quá nhiều lần. Hãy chờ 15 phút');
    expect((await login(good)).status).toBe(429); // the same prefix: held too, whoever asks
    // The window passes: the right code signs in.
    now += 15 * 60_000 + 1;
    expect((await login(good)).status).toBe(303);
    // From one address, any codes: held after the address's limit.
    for (let i = 0; i < SIGN_IN_LIMITS.address.limit; i++) expect((await login(`chiso_staff_${String(i).padStart(8, 'x')}zz`)).status).toBe(401);
    expect((await login('chiso_staff_someotherprefix')).status).toBe(429);
  });
});

describe('sessions', () => {
  const session = (created: string, seen?: string): SessionRecord => ({
    token_id: 'a', token_sha256: 'b', created_at: created, seen_at: seen,
    expires_at: new Date(Date.parse(created) + SESSION_DAYS * 24 * HOUR).toISOString(),
  });

  it('end when idle, at their absolute expiry, and when opened before "sign out everywhere"', () => {
    const t0 = '2026-12-04T00:00:00.000Z';
    const at = (hours: number) => new Date(Date.parse(t0) + hours * HOUR);
    expect(sessionState(session(t0), at(0))).toBe('live');
    expect(sessionState(session(t0), at(1))).toBe('touch');
    expect(sessionState(session(t0), at(SESSION_IDLE_HOURS))).toBe('ended');
    // Used every few hours, it still ends after SESSION_DAYS.
    expect(sessionState(session(t0, at(SESSION_DAYS * 24 - 1).toISOString()), at(SESSION_DAYS * 24 - 0.5))).toBe('touch');
    expect(sessionState(session(t0, at(SESSION_DAYS * 24 - 1).toISOString()), at(SESSION_DAYS * 24))).toBe('ended');
    expect(sessionState(session(t0), at(0.01), at(0.005).toISOString())).toBe('ended');
    expect(sessionState(session(at(0.006).toISOString()), at(0.01), at(0.005).toISOString())).toBe('live');
  });

  it('over the store: idle expiry, sign-out everywhere, suspension and re-issue each end them at the next request', async () => {
    let now = Date.parse('2026-12-04T03:00:00Z');
    const tokens = createTokenStore(new FsObjectStore(join(dir, 'sessions')), { now: () => new Date(now), ttlMs: 0 });
    const code = await tokens.issue({ name: 'Cán bộ', role: 'staff', unit: 'xa-a', email: 'canbo@xa-a.gov.vn' });
    const check = await tokens.token(code);
    if (check.kind !== 'valid') throw new Error(check.kind);
    expect(check.record.email).toBe('canbo@xa-a.gov.vn');
    const open = async () => (await tokens.openSession((await tokens.find(check.record.id))!)).id;

    // Used every 4 hours it lives; left 8 hours it ends.
    const busy = await open();
    for (let i = 0; i < 5; i++) {
      now += 4 * HOUR;
      expect((await tokens.session(busy)).kind).toBe('valid');
    }
    now += SESSION_IDLE_HOURS * HOUR;
    expect((await tokens.session(busy)).kind).toBe('unknown');

    // Sign out everywhere from one browser: the other's session ends too; a new one works.
    const [a, b] = [await open(), await open()];
    now += 1000;
    await tokens.closeAllSessions!(a);
    expect((await tokens.session(a)).kind).toBe('unknown');
    expect((await tokens.session(b)).kind).toBe('unknown');
    now += 1000;
    const c = await open();
    expect((await tokens.session(c)).kind).toBe('valid');

    // Suspended: sessions and code refused while suspended, back when resumed.
    await tokens.update(check.record.id, { suspended_at: new Date(now).toISOString() });
    expect((await tokens.session(c)).kind).toBe('suspended');
    expect((await tokens.token(code)).kind).toBe('suspended');
    await tokens.update(check.record.id, { suspended_at: null });
    expect((await tokens.session(c)).kind).toBe('valid');

    // Re-issued: the old code and its session stop; the new code works with the same holder.
    const fresh = await tokens.reissue(check.record.id);
    expect((await tokens.session(c)).kind).toBe('revoked');
    expect((await tokens.token(code)).kind).toBe('revoked');
    const next = await tokens.token(fresh!.token);
    expect(next.kind === 'valid' && [next.record.name, next.record.unit, next.record.email, next.record.replaces]).toEqual(['Cán bộ', 'xa-a', 'canbo@xa-a.gov.vn', check.record.id]);
    // Renewed: a code past its expiry works again once renewed.
    now += 400 * 24 * HOUR;
    expect((await tokens.token(fresh!.token)).kind).toBe('expired');
    await tokens.update(fresh!.record.id, { expires_at: new Date(now + 365 * 24 * HOUR).toISOString() });
    expect((await tokens.token(fresh!.token)).kind).toBe('valid');
  });
});
