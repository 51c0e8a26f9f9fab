import { createHash, randomBytes } from 'node:crypto';

/**
 * analyst: every query and page; staff: a unit's clerk; head: a unit's head, who approves its
 * reports; admin: the deployment's administrator (accounts, registry, settings, audit);
 * appraiser: the province's staff who appraise DTI self-assessments; machine: a read-only
 * account of a data-sharing platform, limited to a scope of queries and units.
 */
export type Role = 'analyst' | 'staff' | 'head' | 'admin' | 'appraiser' | 'machine';
export const ROLES: readonly Role[] = ['analyst', 'staff', 'head', 'admin', 'appraiser', 'machine'];

/** Who a bearer token speaks for. Staff and heads are bound to one unit. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  unit: string | null;
}

export interface TokenRecord extends Principal {
  /** SHA-256 of the token: the token itself is never stored. */
  sha256: string;
  created_at: string;
  /** When the code stops working; null only for codes made before codes expired (state/tokens.json). */
  expires_at?: string | null;
}

/** A code works for a year unless its maker says otherwise. */
export const DEFAULT_TOKEN_DAYS = 365;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new token and the record to keep of it. */
export function issueToken(principal: Omit<Principal, 'id'>, now: Date, expiresInDays = DEFAULT_TOKEN_DAYS): { token: string; record: TokenRecord } {
  const token = `chiso_${principal.role}_${randomBytes(24).toString('base64url')}`;
  return {
    token,
    record: {
      ...principal, id: randomBytes(6).toString('hex'), sha256: hashToken(token),
      created_at: now.toISOString(), expires_at: new Date(now.getTime() + expiresInDays * 86_400_000).toISOString(),
    },
  };
}

/** What a presented code (or a sign-in session) is worth now. */
export type TokenCheck =
  | { kind: 'valid'; principal: Principal; record: TokenRecord }
  | { kind: 'expired'; record: TokenRecord }
  | { kind: 'revoked'; record: TokenRecord }
  | { kind: 'unknown' };

/** The record found by the code's hash, and its revocation if any: revoked beats expired beats valid. */
export function checkToken(record: TokenRecord | null, revokedAt: string | null, now: Date): TokenCheck {
  if (!record) return { kind: 'unknown' };
  if (revokedAt) return { kind: 'revoked', record };
  if (record.expires_at && Date.parse(record.expires_at) <= now.getTime()) return { kind: 'expired', record };
  return { kind: 'valid', principal: { id: record.id, name: record.name, role: record.role, unit: record.unit }, record };
}

/** A browser's sign-in: the cookie holds a random id, the store its hash, so a leaked store opens nothing. */
export interface SessionRecord {
  token_id: string;
  /** The code signed in with: each request checks it, so revoking or expiring it ends the session. */
  token_sha256: string;
  created_at: string;
  expires_at: string;
}

export const SESSION_DAYS = 7;

export const newSessionId = () => randomBytes(32).toString('base64url');

/** The rules an HTTP request is judged by: read fresh each time, never from a cache. */
export interface AccessCheck {
  /** A bearer code. */
  token(token: string): Promise<TokenCheck>;
  /** A sign-in cookie's session id: unknown once signed out or past its expiry, else its code's check. */
  session(id: string): Promise<TokenCheck>;
  /** Signs a browser in with a valid code: the session id for its cookie. */
  openSession(record: TokenRecord): Promise<{ id: string; maxAgeSeconds: number }>;
  /** Signs out: that session id opens nothing from now on. */
  closeSession(id: string): Promise<void>;
}
