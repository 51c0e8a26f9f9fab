import { signLink, type LinkRecord, type LinkRegistry } from '../domain/access/signedLinks.ts';
import type { Principal } from '../domain/access/tokens.ts';
import type { ParamValue } from '../domain/queries/resolveParams.ts';

export const MAX_LINK_SECONDS = 366 * 24 * 3600;

export interface NewLink {
  query: string;
  params: Record<string, ParamValue>;
  expiresInSeconds: number;
  /** Who it is for ("Chủ tịch UBND xã"), shown in the analyst's list, never in the link. */
  note?: string;
}

/** Makes a leader's link: signed, kept in the registry so its maker can list and revoke it. */
export async function createLeaderLink(
  deps: { links: LinkRegistry; linkSecret: Buffer; now: () => Date },
  by: Principal,
  origin: string,
  link: NewLink,
): Promise<LinkRecord> {
  const now = deps.now();
  const { token, grant } = signLink({ query: link.query, params: link.params, exp: Math.floor(now.getTime() / 1000) + link.expiresInSeconds, by: by.id, by_name: by.name }, deps.linkSecret);
  const record: LinkRecord = { ...grant, created_at: now.toISOString(), revoked_at: null, url: `${origin}/l/${token}`, note: link.note?.slice(0, 200) || undefined };
  await deps.links.add(record);
  return record;
}

/** Revokes one of the maker's links; null when there is no such link of hers. */
export async function revokeLeaderLink(deps: { links: LinkRegistry; now: () => Date }, by: Principal, id: string): Promise<LinkRecord | null> {
  return deps.links.revoke(by.id, id, deps.now());
}

export type LinkStatus = 'active' | 'expired' | 'revoked';

export function linkStatus(link: LinkRecord, now: Date): LinkStatus {
  if (link.revoked_at) return 'revoked';
  return link.exp * 1000 <= now.getTime() ? 'expired' : 'active';
}
