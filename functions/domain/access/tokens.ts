import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** analyst: every query and page; staff: a unit's clerk; head: a unit's head, who approves its reports. */
export type Role = 'analyst' | 'staff' | 'head';

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
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new token and the record to keep of it. */
export function issueToken(principal: Omit<Principal, 'id'>, now: Date): { token: string; record: TokenRecord } {
  const token = `chiso_${principal.role}_${randomBytes(24).toString('base64url')}`;
  return {
    token,
    record: { ...principal, id: randomBytes(6).toString('hex'), sha256: hashToken(token), created_at: now.toISOString() },
  };
}

/** Finds the principal of a token among stored records, comparing hashes in constant time. */
export function verifyToken(token: string, records: readonly TokenRecord[]): Principal | null {
  const digest = Buffer.from(hashToken(token), 'hex');
  for (const r of records) {
    const stored = Buffer.from(r.sha256, 'hex');
    if (stored.length === digest.length && timingSafeEqual(stored, digest)) {
      return { id: r.id, name: r.name, role: r.role, unit: r.unit };
    }
  }
  return null;
}
