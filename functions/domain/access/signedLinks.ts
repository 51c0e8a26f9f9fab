import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ParamValue } from '../queries/resolveParams.ts';

/** What a leader's link grants: one saved query, its parameters fixed, until a date. */
export interface LinkGrant {
  /** Link id, for listing and revoking. */
  id: string;
  query: string;
  params: Record<string, ParamValue>;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** The analyst who made it: who to ask for a new one. */
  by: string;
  by_name: string;
}

export type LinkCheck =
  | { kind: 'valid'; grant: LinkGrant }
  | { kind: 'tampered' }
  | { kind: 'expired'; grant: LinkGrant };

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** `<payload>.<HMAC-SHA256>`, both base64url: nothing in the link can change without the key. */
export function signLink(grant: Omit<LinkGrant, 'id'> & { id?: string }, secret: Buffer): { token: string; grant: LinkGrant } {
  const full: LinkGrant = { ...grant, id: grant.id ?? randomBytes(6).toString('hex') };
  const payload = b64(JSON.stringify(full));
  const mac = createHmac('sha256', secret).update(payload).digest();
  return { token: `${payload}.${b64(mac)}`, grant: full };
}

export function verifyLink(token: string, secret: Buffer, nowSeconds: number): LinkCheck {
  const [payload, mac, extra] = token.split('.');
  if (!payload || !mac || extra !== undefined || payload.length > 4096) return { kind: 'tampered' };
  const expected = createHmac('sha256', secret).update(payload).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { kind: 'tampered' };
  let grant: LinkGrant;
  try {
    grant = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LinkGrant;
  } catch {
    return { kind: 'tampered' };
  }
  if (typeof grant.exp !== 'number' || typeof grant.query !== 'string') return { kind: 'tampered' };
  return grant.exp <= nowSeconds ? { kind: 'expired', grant } : { kind: 'valid', grant };
}

/** Links made and revoked: kept by the app so an analyst can list and revoke hers. */
export interface LinkRecord extends LinkGrant {
  created_at: string;
  revoked_at: string | null;
  url: string;
  /** Who it was made for, as its maker wrote it. */
  note?: string;
}

/** Each link and each revocation is its own object: a revoke and a new link never overwrite each other. */
export interface LinkRegistry {
  /** One analyst's links, oldest first, with their revocations. */
  listBy(by: string): Promise<LinkRecord[]>;
  add(record: LinkRecord): Promise<void>;
  /** Revokes a link of `by` (the first revocation stands); null when she made no such link. */
  revoke(by: string, id: string, at: Date): Promise<LinkRecord | null>;
  /** When the link was revoked, null if it was not: read fresh for every leader's page. */
  revokedAt(id: string): Promise<string | null>;
}
