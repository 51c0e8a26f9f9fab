import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import type { TokenRecord } from '../../functions/domain/access/tokens.ts';
import type { Unit } from '../../functions/domain/types.ts';
import { createTokenStore } from '../../functions/services/accessStore.ts';
import { endProviderAccounts, mappedRole, providerAccount } from '../../functions/services/oidcAccounts.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'chiso-oidc-accounts-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const mapping = { roleClaim: 'chiso_role', unitClaim: 'chiso_unit', roles: ['staff' as const, 'head' as const, 'analyst' as const] };
const units = new Map([['xa-yen-lac', { code: 'xa-yen-lac' } as Unit]]);
const inForce = (code: string) => units.get(code) ?? null;

/** What a provider's claims grant, and the chiso account a person signing in through it gets. */
describe('accounts from the identity provider\'s claims', () => {
  it('grants only allowed roles, a clerk only with a unit in force; a role list gives its first allowed role', () => {
    expect(mappedRole({ chiso_role: 'analyst' }, mapping, inForce)).toEqual({ role: 'analyst', unit: null });
    expect(mappedRole({ chiso_role: 'staff', chiso_unit: 'xa-yen-lac' }, mapping, inForce)).toEqual({ role: 'staff', unit: 'xa-yen-lac' });
    expect(mappedRole({ chiso_role: ['admin', 'head'], chiso_unit: 'xa-yen-lac' }, mapping, inForce)).toEqual({ role: 'head', unit: 'xa-yen-lac' });
    expect(mappedRole({ chiso_role: 'admin' }, mapping, inForce)).toMatchObject({ refused: { en: expect.stringMatching(/role admin .* may not sign in/) } });
    expect(mappedRole({ chiso_role: 'staff' }, mapping, inForce)).toMatchObject({ refused: { en: expect.stringMatching(/no unit/) } });
    expect(mappedRole({ chiso_role: 'staff', chiso_unit: 'phong-noi-vu' }, mapping, inForce)).toMatchObject({ refused: { vi: expect.stringMatching(/không có trong danh mục/) } });
    expect(mappedRole({ email: 'x@y.vn' }, mapping, inForce)).toBeNull();
  });

  it('makes one account per person and role, ends the earlier role\'s when the claims change, and heeds the administrator', async () => {
    const store = new FsObjectStore(dir);
    let now = Date.parse('2026-12-04T03:00:00Z');
    const tokens = createTokenStore(store, { ttlMs: 0, now: () => new Date(now) });
    const deps = { tokens, store, now: () => new Date(now) };
    const who = { issuer: 'https://sso.phutho.gov.vn/realms/tinh', sub: 'u-123', name: 'Chị Mai', email: 'mai@phutho.gov.vn' };
    const [a, b] = await Promise.all([providerAccount(deps, { ...who, role: 'staff', unit: 'xa-yen-lac' }), providerAccount(deps, { ...who, role: 'staff', unit: 'xa-yen-lac' })]);
    expect((a as TokenRecord).id).toBe((b as TokenRecord).id); // two sign-ins at once: one account
    expect((await tokens.list()).filter((t) => !t.deleted_at)).toHaveLength(1);
    const staff = a as TokenRecord;
    const session = await tokens.openSession(staff);

    // Now the provider says she heads the unit: a head's account, the clerk's ended with its sessions.
    const head = (await providerAccount(deps, { ...who, role: 'head', unit: 'xa-yen-lac' })) as TokenRecord;
    expect([head.role, head.unit, head.name]).toEqual(['head', 'xa-yen-lac', 'Chị Mai']);
    expect((await tokens.session(session.id)).kind).toBe('revoked');

    // Suspended by the administrator: refused; resumed: in; a year later: renewed, not refused.
    await tokens.update(head.id, { suspended_at: new Date(now).toISOString() });
    expect(await providerAccount(deps, { ...who, role: 'head', unit: 'xa-yen-lac' })).toMatchObject({ refused: { en: expect.stringMatching(/suspended/) } });
    await tokens.update(head.id, { suspended_at: null });
    now += 400 * 86_400_000;
    const renewed = (await providerAccount(deps, { ...who, role: 'head', unit: 'xa-yen-lac' })) as TokenRecord;
    expect(renewed.id).toBe(head.id);
    expect(Date.parse(renewed.expires_at!)).toBeGreaterThan(now);

    // The provider stops stating a role: her accounts from its claims end (and link no e-mail).
    const open = await tokens.openSession(renewed);
    await endProviderAccounts(deps, who.issuer, who.sub);
    expect((await tokens.session(open.id)).kind).toBe('revoked');
    expect((await tokens.list()).filter((t) => t.email === who.email && !t.revoked_at)).toEqual([]);
  });
});
