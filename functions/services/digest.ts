import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { periodStart, shiftPeriod } from '../domain/ingest/parsePeriod.ts';
import type { LinkRecord, LinkRegistry } from '../domain/access/signedLinks.ts';
import type { Principal } from '../domain/access/tokens.ts';
import type { ParamValue } from '../domain/queries/resolveParams.ts';
import { ObjectExistsError, type ObjectStore } from '../ports/ObjectStore.ts';
import { createLeaderLink } from './leaderLinks.ts';

/**
 * A leader's digest: an analyst subscribes a leader's e-mail to one of her links; each period,
 * once the link's query has that period's data (every unit reported, or the deadline passed),
 * the leader gets one short Vietnamese message: three lines of the link's summary and the link
 * (for a later period than the link's own, a new link to it, made in the analyst's name with
 * the same lifetime). Once per subscriber and period: the same claim → deliver → mark as the
 * reminders' outbox. Unsubscribing is the message's own signed link.
 */

const PREFIX = 'digest/';
const subscriptionKey = (id: string) => `${PREFIX}subscriptions/${id}.json`;
const outboxKey = (subscription: string, period: string) => `${PREFIX}outbox/${subscription}/${period}.json`;

export interface DigestSubscription {
  id: string;
  link_id: string;
  email: string;
  /** The analyst who subscribed the leader, and whose links the digest sends. */
  by: string;
  by_name: string;
  created_at: string;
  unsubscribed_at: string | null;
}

export interface DigestMessage { to: string[]; subject: string; body: string }

export interface DigestEntry {
  subscription: string;
  period: string;
  link_url: string;
  message: DigestMessage;
  claimed_at: string;
  delivered_at: string | null;
  error: string | null;
}

/** What a digest says of a link's query for one period: null while that period's data is not in. */
export type DigestContent = (query: string, params: Record<string, ParamValue>) => Promise<{ title: string; lines: string[]; /** "Đã công bố theo Quyết định số …": a published period's figures are the decision's. */ note?: string } | null>;

const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

export class DigestError extends Error {
  constructor(readonly vi: string, readonly en: string) { super(en); }
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | null> {
  const bytes = await store.get(key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as T) : null;
}

/** Subscribes an e-mail to one of the analyst's links (again: the existing subscription). */
export async function subscribe(deps: { store: ObjectStore; links: LinkRegistry; now: () => Date }, by: Principal, linkId: string, email: string): Promise<DigestSubscription> {
  const address = email.trim().toLowerCase();
  if (!EMAIL.test(address) || address.length > 200) throw new DigestError(`"${email}" không phải là địa chỉ thư điện tử`, `"${email}" is not an e-mail address`);
  const link = (await deps.links.listBy(by.id)).find((l) => l.id === linkId);
  if (!link) throw new DigestError('Không có liên kết này trong các liên kết của bạn', 'No such link among yours');
  if (link.revoked_at || link.exp * 1000 <= deps.now().getTime()) throw new DigestError('Liên kết đã hết hiệu lực', 'The link is no longer valid');
  if (typeof link.params.period !== 'string') throw new DigestError('Chỉ đăng ký bản tin được cho báo cáo theo kỳ', 'Only a report for a period can have a digest');
  const existing = (await subscriptions(deps.store)).find((s) => s.link_id === linkId && s.email === address && !s.unsubscribed_at);
  if (existing) return existing;
  const subscription: DigestSubscription = { id: randomUUID(), link_id: linkId, email: address, by: by.id, by_name: by.name, created_at: deps.now().toISOString(), unsubscribed_at: null };
  await deps.store.put(subscriptionKey(subscription.id), JSON.stringify(subscription, null, 2), { ifAbsent: true });
  return subscription;
}

export async function subscriptions(store: ObjectStore): Promise<DigestSubscription[]> {
  const out: DigestSubscription[] = [];
  for await (const o of store.list(`${PREFIX}subscriptions/`)) {
    const s = await readJson<DigestSubscription>(store, o.key);
    if (s) out.push(s);
  }
  // Subscriptions made in the same instant (one clock tick) list by address, not by random id.
  return out.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.email.localeCompare(b.email));
}

/** The signed part of an unsubscribe link: the subscription, and a MAC only the server can make. */
export function unsubscribeToken(secret: Buffer, id: string): string {
  return `${id}.${createHmac('sha256', secret).update(`digest-unsubscribe:${id}`).digest('base64url').slice(0, 32)}`;
}

export function verifyUnsubscribeToken(secret: Buffer, token: string): string | null {
  const id = token.split('.')[0] ?? '';
  const expected = Buffer.from(unsubscribeToken(secret, id));
  const given = Buffer.from(token);
  return /^[0-9a-f-]{36}$/.test(id) && expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}

/** Ends a subscription (the first time stands); null when there is none. */
export async function unsubscribe(deps: { store: ObjectStore; now: () => Date }, id: string): Promise<DigestSubscription | null> {
  const s = await readJson<DigestSubscription>(deps.store, subscriptionKey(id));
  if (!s) return null;
  if (s.unsubscribed_at) return s;
  const ended = { ...s, unsubscribed_at: deps.now().toISOString() };
  await deps.store.put(subscriptionKey(id), JSON.stringify(ended, null, 2));
  return ended;
}

/** The periods a link's digest could be about, newest first: its own and later ones of its kind begun by today. */
function candidatePeriods(own: string, today: string): string[] {
  const periods: string[] = [];
  for (let p = own, n = 0; n < 40 && periodStart(p) <= today; p = shiftPeriod(p, 1), n++) periods.unshift(p);
  return periods;
}

function message(to: string, title: string, lines: string[], url: string, unsubscribeUrl: string, note?: string): DigestMessage {
  return {
    to: [to],
    subject: `Bản tin chuyển đổi số: ${title}`,
    body: `${title}\n${note ? `${note}\n` : ''}\n${lines.slice(0, 3).map((l) => `• ${l}`).join('\n')}\n\nXem báo cáo: ${url}\n\nNgừng nhận bản tin này: ${unsubscribeUrl}\n\nTin nhắn tự động của hệ thống chiso.`,
  };
}

/**
 * Sends each subscriber the digest of the newest period their link's query has data for, once:
 * a period already claimed is not sent again, an earlier one never after a later one.
 */
export async function sendDigests(deps: {
  store: ObjectStore;
  links: LinkRegistry;
  linkSecret: Buffer;
  now: () => Date;
  today: () => string;
  content: DigestContent;
  deliver: (message: DigestMessage) => Promise<void>;
}): Promise<{ sent: DigestEntry[]; failed: DigestEntry[]; already: number }> {
  const sent: DigestEntry[] = [];
  const failed: DigestEntry[] = [];
  let already = 0;
  const linksBy = new Map<string, LinkRecord[]>();
  for (const s of await subscriptions(deps.store)) {
    if (s.unsubscribed_at) continue;
    if (!linksBy.has(s.by)) linksBy.set(s.by, await deps.links.listBy(s.by));
    const link = linksBy.get(s.by)!.find((l) => l.id === s.link_id);
    if (!link || link.revoked_at || link.exp * 1000 <= deps.now().getTime() || typeof link.params.period !== 'string') continue;
    let found: { period: string; title: string; lines: string[]; note?: string } | null = null;
    for (const period of candidatePeriods(link.params.period, deps.today())) {
      const content = await deps.content(link.query, { ...link.params, period });
      if (content) { found = { period, ...content }; break; }
    }
    if (!found) continue;
    const key = outboxKey(s.id, found.period);
    const kept = await readJson<DigestEntry>(deps.store, key);
    if (kept && (kept.delivered_at || !kept.error)) { already++; continue; }
    // A later period than the link's own: a link to it, in the analyst's name, as long-lived as hers (made once: a retry reuses it).
    const url = kept?.link_url ?? (found.period === link.params.period ? link.url : (await createLeaderLink(
      { links: deps.links, linkSecret: deps.linkSecret, now: deps.now }, { id: s.by, name: s.by_name, role: 'analyst', unit: null }, new URL(link.url).origin,
      { query: link.query, params: { ...link.params, period: found.period }, expiresInSeconds: Math.max(3600, link.exp - Math.floor(Date.parse(link.created_at) / 1000)), note: `Bản tin cho ${s.email}` },
    )).url);
    const unsubscribeUrl = `${new URL(link.url).origin}/ban-tin/huy/${unsubscribeToken(deps.linkSecret, s.id)}`;
    const entry: DigestEntry = { subscription: s.id, period: found.period, link_url: url, message: message(s.email, found.title, found.lines, url, unsubscribeUrl, found.note), claimed_at: deps.now().toISOString(), delivered_at: null, error: null };
    try {
      // The claim: written only if absent (two runs at once send once); a failed delivery is claimed again.
      await deps.store.put(key, JSON.stringify(entry, null, 2), { ifAbsent: !kept });
    } catch (error) {
      if (!(error instanceof ObjectExistsError)) throw error;
      already++;
      continue;
    }
    try {
      await deps.deliver(entry.message);
      const done = { ...entry, delivered_at: deps.now().toISOString() };
      await deps.store.put(key, JSON.stringify(done, null, 2));
      sent.push(done);
    } catch (error) {
      await deps.store.put(key, JSON.stringify({ ...entry, error: (error as Error).message }, null, 2));
      failed.push(entry);
    }
  }
  return { sent, failed, already };
}

/** The digests sent (or tried) to one subscription, oldest first. */
export async function digestEntries(store: ObjectStore, subscription: string): Promise<DigestEntry[]> {
  const out: DigestEntry[] = [];
  for await (const o of store.list(`${PREFIX}outbox/${subscription}/`)) {
    const e = await readJson<DigestEntry>(store, o.key);
    if (e) out.push(e);
  }
  return out.sort((a, b) => a.period.localeCompare(b.period));
}
