import { createHash, randomBytes } from 'node:crypto';

/**
 * analyst: every query and page; staff: a unit's clerk; head: a unit's head, who approves its
 * reports; admin: the deployment's administrator (accounts, registry, settings, audit);
 * appraiser: the province's staff who appraise DTI self-assessments; machine: a read-only
 * account of a data-sharing platform, limited to a scope of queries and units.
 */
export type Role = 'analyst' | 'staff' | 'head' | 'admin' | 'appraiser' | 'machine';
export const ROLES: readonly Role[] = ['analyst', 'staff', 'head', 'admin', 'appraiser', 'machine'];

/**
 * What a machine account may read: saved queries by name, and units by code ('all': every unit,
 * said explicitly). A machine account without one reads nothing.
 */
export interface MachineScope {
  queries: string[];
  units: string[] | 'all';
}

/** Who a bearer token speaks for. Staff and heads are bound to one unit; a machine to its scope. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  unit: string | null;
  scope?: MachineScope | null;
}

export interface TokenRecord extends Principal {
  /** SHA-256 of the token: the token itself is never stored. */
  sha256: string;
  created_at: string;
  /** When the code stops working; null only for codes made before codes expired (state/tokens.json). */
  expires_at?: string | null;
  /** The account holder's e-mail, where the administrator gave one (the sheets' mail-merge list). */
  email?: string | null;
  /** Set while the administrator has suspended the account: the code opens nothing until resumed. */
  suspended_at?: string | null;
  /** Deleted by the administrator (also revoked): kept for the audit log, left out of lists. */
  deleted_at?: string | null;
  /** The account this code re-issued (its old code was revoked at once). */
  replaces?: string | null;
  /** Sessions opened before this instant are ended ("sign out everywhere"). */
  sessions_after?: string | null;
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
  | { kind: 'suspended'; record: TokenRecord }
  | { kind: 'unknown' };

/** The record found by the code's hash, and its revocation if any: revoked beats suspended beats expired beats valid. */
export function checkToken(record: TokenRecord | null, revokedAt: string | null, now: Date): TokenCheck {
  if (!record) return { kind: 'unknown' };
  if (revokedAt || record.deleted_at) return { kind: 'revoked', record };
  if (record.suspended_at) return { kind: 'suspended', record };
  if (record.expires_at && Date.parse(record.expires_at) <= now.getTime()) return { kind: 'expired', record };
  const principal: Principal = { id: record.id, name: record.name, role: record.role, unit: record.unit };
  if (record.role === 'machine') principal.scope = record.scope ?? null;
  return { kind: 'valid', principal, record };
}

/** A browser's sign-in: the cookie holds a random id, the store its hash, so a leaked store opens nothing. */
export interface SessionRecord {
  token_id: string;
  /** The code signed in with: each request checks it, so revoking or expiring it ends the session. */
  token_sha256: string;
  created_at: string;
  /** The absolute end: past it the browser signs in again, however busy it was. */
  expires_at: string;
  /** The last request seen, to SESSION_SEEN_EVERY_MS (absent in sessions opened before idle expiry). */
  seen_at?: string;
}

export const SESSION_DAYS = 7;
/** A session unused this long ends (a shared office computer left signed in). */
export const SESSION_IDLE_HOURS = 8;
/** How often a session's last use is written: a page's many requests cost one write. */
export const SESSION_SEEN_EVERY_MS = 5 * 60_000;

/**
 * What a stored session is worth at `now`: ended past its absolute expiry, after SESSION_IDLE_HOURS
 * without a request, or when its account asked every session opened before some instant to end;
 * `touch` when its last use should be written again.
 */
export function sessionState(session: SessionRecord, now: Date, sessionsAfter?: string | null): 'ended' | 'touch' | 'live' {
  const at = now.getTime();
  if (Date.parse(session.expires_at) <= at) return 'ended';
  const seen = Date.parse(session.seen_at ?? session.created_at);
  if (at - seen >= SESSION_IDLE_HOURS * 3_600_000) return 'ended';
  if (sessionsAfter && Date.parse(session.created_at) < Date.parse(sessionsAfter)) return 'ended';
  return at - seen >= SESSION_SEEN_EVERY_MS ? 'touch' : 'live';
}

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
  /** Signs out everywhere: every session of this session's account opened until now ends. */
  closeAllSessions?(id: string): Promise<void>;
}
