import type { Context } from 'hono';
import type { CatalogIndex } from '../domain/ingest/ingestContext.ts';
import type { LinkRegistry } from '../domain/access/signedLinks.ts';
import type { AccessCheck, Principal, TokenRecord } from '../domain/access/tokens.ts';
import type { SavedQuery } from '../domain/queries/savedQueries.ts';
import type { ObjectStore } from '../ports/ObjectStore.ts';
import type { DirectUpload } from '../ports/DirectUpload.ts';
import type { DirectDownload } from '../ports/DirectDownload.ts';
import type { IngestInput, IngestResult } from '../services/ingestFile.ts';
import type { Admission, Sender } from '../services/ingestQueue.ts';
import type { QueryRunner } from '../services/savedQueryRunner.ts';
import type { OidcSecretKeeper } from '../services/oidcSecret.ts';
import type { SettingsService } from '../services/settings.ts';
import type { TokenStore } from '../services/accessStore.ts';
import type { AuditLog } from '../services/audit.ts';
import type { LiveRegistry } from '../services/registry.ts';

/** What the administrator's pages (/quan-tri) work with besides the rest. */
export interface AdminDeps {
  tokens: TokenStore;
  audit: AuditLog;
  registry: LiveRegistry;
  utcOffsetHours: number;
}

/** What the HTTP layer is given by the composition root: services, never adapters it picks itself. */
export interface HttpDeps {
  runner: QueryRunner;
  store: ObjectStore;
  catalog: CatalogIndex;
  queries: Map<string, SavedQuery>;
  /** Every token's record, for names and units on pages (cached briefly): never to let anyone in. */
  tokens: () => Promise<readonly TokenRecord[]>;
  /** Checks a bearer code or a sign-in session, fresh on every request (revoked and expired codes stop at once). */
  access: AccessCheck;
  /** Key that signs leaders' links (local: generated into the data folder; AWS: Secrets Manager). */
  linkSecret: Buffer;
  links: LinkRegistry;
  ingest: (input: IngestInput) => Promise<IngestResult>;
  /** Room in the ingest queue for an upload, taken before its body is read (throws IngestQueueFullError). */
  admitUpload?: (who: Sender, bytes: number) => Admission;
  now: () => Date;
  /** Today's date where the units are (UTC+7 in Vietnam), YYYY-MM-DD. */
  today: () => string;
  /** A stored (UTC) instant as people there read it, YYYY-MM-DD HH:mm: every time a page shows. */
  localTime: (at: Date | string | number | null | undefined) => string;
  /** Where leaders open links (https://chiso.example.gov.vn); undefined: the request's own origin. */
  publicOrigin?: () => string | undefined;
  /** The registry version in force (imported, or "default"): answers and pages say which they used. */
  registryVersion?: () => string;
  /** The deployment's settings: whether accepted reports wait for their unit head's approval. */
  settings: SettingsService;
  /** Accounts, audit log and registry for the administrator's pages; absent: no /quan-tri. */
  admin?: AdminDeps;
  /** The OpenID Connect client secret (locally CHISO_OIDC_CLIENT_SECRET); absent: single sign-on off. */
  oidcSecret?: () => string | undefined;
  /** Where the client secret is kept (Secrets Manager on AWS, the data folder locally): before oidcSecret. */
  oidcSecretKeeper?: OidcSecretKeeper;
  /** AWS: the clerk's forms post files straight to the bucket (past the function's 6 MB payload cap); absent locally. */
  directUpload?: DirectUpload;
  /** AWS: a stored file too large for the function's response is downloaded straight from the lake bucket; absent locally. */
  directDownload?: DirectDownload;
}

export type Env = { Variables: { principal: Principal } };

export interface ApiError { status: number; code: string; vi: string; en: string; details?: unknown }

/** An API error in both languages, the same shape everywhere. */
export const problem = (c: Context, e: ApiError) =>
  c.json({ error: { code: e.code, message: `${e.vi} / ${e.en}`, message_vi: e.vi, message_en: e.en, ...(e.details ? { details: e.details } : {}) } }, e.status as 400);

/**
 * The request's network address, for the audit log and sign-in limits: the socket's peer locally
 * (@hono/node-server), API Gateway's source IP on Lambda; never a header a client could write.
 */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } }; event?: { requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.event?.requestContext?.http?.sourceIp ?? env?.event?.requestContext?.identity?.sourceIp ?? 'unknown';
}

/** Where links are made for: the configured public address, else this request's own origin. */
export const publicOrigin = (c: Context, deps: Pick<HttpDeps, 'publicOrigin'>) => deps.publicOrigin?.() ?? new URL(c.req.url).origin;

/**
 * A form posted from another site is refused: the Origin a browser sends with a POST must be this
 * app's (the sign-in cookie is SameSite=Strict as well).
 */
export function sameOrigin(c: Context, deps: Pick<HttpDeps, 'publicOrigin'>): boolean {
  const origin = c.req.header('origin');
  // Pages are served with Referrer-Policy: no-referrer, under which a browser sends "Origin: null"
  // even for its own forms: then the browser's Sec-Fetch-Site says where the form came from.
  if (!origin || origin === 'null') {
    const site = c.req.header('sec-fetch-site');
    return site === undefined ? origin === undefined : site === 'same-origin';
  }
  return origin === new URL(c.req.url).origin || origin === deps.publicOrigin?.();
}
