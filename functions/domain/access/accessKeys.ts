/**
 * Where access records live: one object per token, link, revocation and session, so that no two
 * writers ever rewrite the same object (a whole-file rewrite lost revocations under a race).
 * Tokens and sessions are named by a hash of their secret: checking one is a single GET.
 */
export const accessKeys = {
  token: (sha256: string) => `state/tokens/${sha256}.json`,
  tokensPrefix: 'state/tokens/',
  /** The hash of a token by its id, so revoking one by id is two GETs, not a scan. */
  tokenId: (id: string) => `state/token-ids/${id}.json`,
  /** Written once (ifAbsent); a revocation is never undone. */
  tokenRevoked: (sha256: string) => `state/tokens-revoked/${sha256}.json`,
  tokensRevokedPrefix: 'state/tokens-revoked/',
  /** Overwritten at most once an hour per token. */
  tokenUsed: (sha256: string) => `state/tokens-used/${sha256}.json`,
  session: (sha256: string) => `state/sessions/${sha256}.json`,
  /** By maker, so an analyst's list is one prefix. */
  link: (by: string, id: string) => `state/links/${by}/${id}.json`,
  linksBy: (by: string) => `state/links/${by}/`,
  linkRevoked: (id: string) => `state/links-revoked/${id}.json`,
  /** Before one object per record: read, never written again, so earlier tokens and links keep working. */
  legacyTokens: 'state/tokens.json',
  legacyLinks: 'state/links.json',
} as const;

/** Ids of tokens and links are 12 hex digits: anything else names no object. */
export const isAccessId = (id: string) => /^[0-9a-f]{12}$/.test(id);
