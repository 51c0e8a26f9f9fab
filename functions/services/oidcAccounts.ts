import { createHash } from 'node:crypto';
import type { TokenRecord } from '../domain/access/tokens.ts';
import type { Unit } from '../domain/types.ts';
import { ObjectExistsError, type ObjectStore } from '../ports/ObjectStore.ts';
import type { TokenStore } from './accessStore.ts';
import { oidcRoles, type OidcRole, type SettingsService } from './settings.ts';

type Words = { vi: string; en: string };

/** What the settings say a provider's claims may grant: off while no role claim or no role is allowed. */
export interface ClaimMapping {
  roleClaim: string;
  unitClaim: string | null;
  roles: OidcRole[];
}

export async function claimMapping(settings: Pick<SettingsService, 'value'>): Promise<ClaimMapping | null> {
  const [roleClaim, unitClaim, roles] = await Promise.all([settings.value('oidc_role_claim'), settings.value('oidc_unit_claim'), settings.value('oidc_roles')]);
  const allowed = roles ? oidcRoles(roles) : null;
  return roleClaim && allowed ? { roleClaim, unitClaim, roles: allowed } : null;
}

/**
 * The role and unit a provider's claims grant: null when they state no role (the e-mail link
 * decides alone), a refusal when the role is not on the allow-list (admin never is) or a clerk's or
 * head's unit is not a unit in force. A list of roles (Keycloak's) gives its first allowed one.
 */
export function mappedRole(claims: Record<string, unknown>, mapping: ClaimMapping, unitInForce: (code: string) => Unit | null): { role: OidcRole; unit: string | null } | { refused: Words } | null {
  const stated = ([] as unknown[]).concat(claims[mapping.roleClaim] ?? []).filter((r): r is string => typeof r === 'string' && r !== '');
  if (!stated.length) return null;
  const role = stated.find((r): r is OidcRole => (mapping.roles as string[]).includes(r));
  if (!role) return { refused: { vi: `Vai trò ${stated.join(', ')} do nhà cung cấp định danh ghi không được phép đăng nhập vào chiso.`, en: `The role ${stated.join(', ')} stated by the identity provider may not sign in to chiso.` } };
  if (role !== 'staff' && role !== 'head') return { role, unit: null };
  const code = mapping.unitClaim && typeof claims[mapping.unitClaim] === 'string' ? (claims[mapping.unitClaim] as string).trim() : '';
  if (!code) return { refused: { vi: 'Nhà cung cấp định danh không ghi đơn vị của cán bộ này.', en: 'The identity provider states no unit for this clerk.' } };
  if (!unitInForce(code)) return { refused: { vi: `Đơn vị ${code} do nhà cung cấp định danh ghi không có trong danh mục đang dùng.`, en: `The unit ${code} stated by the identity provider is not in the registry in force.` } };
  return { role, unit: code };
}

/** One pointer per person (issuer and subject) and role-and-unit: the chiso account made for it. */
const subjectPrefix = (issuer: string, sub: string) => `state/oidc-accounts/${createHash('sha256').update(`${issuer}\n${sub}`).digest('hex')}/`;
const grantKey = (role: string, unit: string | null) => `${role}~${encodeURIComponent(unit ?? '-')}.json`;
const YEAR_MS = 365 * 86_400_000;

/**
 * The chiso account of a person the provider vouches for with a role (and unit): made at their
 * first sign-in, its code never shown (the provider is how they sign in), listed on the Accounts
 * page like any other. The administrator's suspension or deletion refuses the sign-in; an expired
 * one is renewed (the provider vouches for them today). When the provider's claims change, the
 * account of the earlier role is revoked, so its open sessions end.
 */
export async function providerAccount(
  deps: { tokens: TokenStore; store: ObjectStore; now: () => Date },
  who: { issuer: string; sub: string; name: string; email: string | null; role: OidcRole; unit: string | null },
): Promise<TokenRecord | { refused: Words }> {
  const prefix = subjectPrefix(who.issuer, who.sub);
  const key = `${prefix}${grantKey(who.role, who.unit)}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const pointer = await deps.store.get(key);
    if (pointer) {
      const { id } = JSON.parse(Buffer.from(pointer).toString('utf8')) as { id: string };
      const account = await current(deps.tokens, id);
      if (!account || account.revoked_at || account.deleted_at) return { refused: { vi: 'Quản trị viên đã xoá tài khoản chiso của bạn; hãy liên hệ quản trị viên.', en: 'The administrator has deleted your chiso account; ask the administrator.' } };
      if (account.suspended_at) return { refused: { vi: 'Quản trị viên đã tạm khoá tài khoản chiso của bạn.', en: 'The administrator has suspended your chiso account.' } };
      if (account.expires_at && Date.parse(account.expires_at) <= deps.now().getTime()) {
        return (await deps.tokens.update(account.id, { expires_at: new Date(deps.now().getTime() + YEAR_MS).toISOString() })) ?? { refused: { vi: 'Không gia hạn được tài khoản.', en: 'The account could not be renewed.' } };
      }
      await endOtherGrants(deps, prefix, key);
      return account;
    }
    const code = await deps.tokens.issue({ name: who.name, role: who.role, unit: who.unit, email: who.email });
    const made = await deps.tokens.token(code);
    if (made.kind !== 'valid') throw new Error(`provider account: ${made.kind}`);
    try {
      await deps.store.put(key, JSON.stringify({ id: made.record.id, at: deps.now().toISOString() }), { ifAbsent: true });
      await endOtherGrants(deps, prefix, key);
      return made.record;
    } catch (error) {
      if (!(error instanceof ObjectExistsError)) throw error;
      // The same person signing in twice at once: the other sign-in's account stands, this one goes.
      await deps.tokens.revoke(made.record.id);
      await deps.tokens.update(made.record.id, { deleted_at: deps.now().toISOString() });
    }
  }
  throw new Error('provider account: pointer changing under us');
}

/**
 * The provider no longer states a role this person may have: every account made from its claims
 * is revoked (their sessions end), so the e-mail on them links nothing either.
 */
export async function endProviderAccounts(deps: { tokens: TokenStore; store: ObjectStore }, issuer: string, sub: string): Promise<void> {
  await endOtherGrants(deps, subjectPrefix(issuer, sub), null);
}

/** The account as it is now: a re-issued one followed to the account that replaced it. */
async function current(tokens: TokenStore, id: string) {
  let status = await tokens.status(id);
  for (let hop = 0; status?.replaced_by && hop < 20; hop++) {
    const next = await tokens.status(status.replaced_by);
    if (!next) break;
    status = next;
  }
  return status;
}

async function endOtherGrants(deps: { tokens: TokenStore; store: ObjectStore }, prefix: string, keep: string | null): Promise<void> {
  for await (const o of deps.store.list(prefix)) {
    if (o.key === keep || !o.key.endsWith('.json')) continue;
    const bytes = await deps.store.get(o.key);
    if (bytes) await deps.tokens.revoke((JSON.parse(Buffer.from(bytes).toString('utf8')) as { id: string }).id);
    await deps.store.delete(o.key);
  }
}
