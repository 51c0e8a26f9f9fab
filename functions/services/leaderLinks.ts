import { signLink, type LinkRecord, type LinkRegistry } from '../domain/access/signedLinks.ts';
import type { Principal } from '../domain/access/tokens.ts';
import type { ParamValue } from '../domain/queries/resolveParams.ts';
import { audienceRefusal, openToLeaders, type SavedQuery } from '../domain/queries/savedQueries.ts';

export const MAX_LINK_SECONDS = 366 * 24 * 3600;

export interface NewLink {
  query: string;
  params: Record<string, ParamValue>;
  expiresInSeconds: number;
  /** Who it is for ("Chủ tịch UBND xã"), shown in the analyst's list, never in the link. */
  note?: string;
}

/** A link was asked for a query leaders may not see (a query with an `audience`). */
export class LinkRefusedError extends Error {
  constructor(readonly query: string, readonly vi: string, readonly en: string) { super(`${query}: ${en}`); }
}

/**
 * Why a link to this query may not go to a leader, in both languages (null when it may): the
 * query, or a section of its page, is kept to some roles. Checked when a link is made and each
 * time one is opened.
 */
export function leaderRefusal(query: SavedQuery, queries: ReadonlyMap<string, SavedQuery>): { vi: string; en: string } | null {
  if (openToLeaders(query, queries)) return null;
  const kept = query.audience ? query : query.page.sections.map((s) => queries.get(s.query)).find((q) => q && q.audience) ?? query;
  const only = kept.audience ? audienceRefusal(kept) : { vi: 'Truy vấn này không còn', en: 'This query no longer exists' };
  return { vi: `${only.vi}, không chia sẻ cho lãnh đạo được`, en: `${only.en}: it cannot be shared with a leader` };
}

/**
 * Makes a leader's link: signed, kept in the registry so its maker can list and revoke it. With
 * the saved queries given (every HTTP caller), a query leaders may not see is refused
 * (LinkRefusedError) before anything is signed; the digest re-links a link already made, and
 * opening any link checks again.
 */
export async function createLeaderLink(
  deps: { links: LinkRegistry; linkSecret: Buffer; now: () => Date; queries?: ReadonlyMap<string, SavedQuery> },
  by: Principal,
  origin: string,
  link: NewLink,
): Promise<LinkRecord> {
  if (deps.queries) {
    const query = deps.queries.get(link.query);
    if (!query) throw new Error(`no saved query ${link.query}`);
    const refused = leaderRefusal(query, deps.queries);
    if (refused) throw new LinkRefusedError(link.query, refused.vi, refused.en);
  }
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
