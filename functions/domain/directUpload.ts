import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CANONICAL_PERIOD } from './ingest/parsePeriod.ts';

/**
 * A file posted by the browser straight to the bucket (an S3 presigned POST), past the query
 * function's 6 MB payload cap: where it is staged, what the POST policy allows, and how the app
 * knows a staged key is one it signed for this account. Pure: the policy is signed by
 * adapters/stores/S3DirectUpload.ts, the staged file taken in by http/pages/directUploadForms.ts.
 */

/** Staged files wait here: outside uploads/ (the ingest function's trigger), expired by S3 after a day. */
export const STAGING_PREFIX = 'staging/';
/**
 * The largest stored file the query function returns itself on AWS: its response is at most 6 MB
 * of payload, a binary body base64-encoded in it (4/3 as large), headers beside. Larger files are
 * fetched straight from the bucket (ports/DirectDownload.ts).
 */
export const FUNCTION_RESPONSE_MAX_FILE_BYTES = 4 * 1024 * 1024;
/** How long a signed download address works: long enough to start a download, not to share. */
export const DIRECT_DOWNLOAD_EXPIRES_SECONDS = 5 * 60;
/** How long a form may be posted after the page was made. */
export const DIRECT_UPLOAD_EXPIRES_SECONDS = 30 * 60;

/** What a staged file is for: a unit's report, or one evidence file of a component of a period. */
export type StagingTarget =
  | { kind: 'report'; unit: string }
  | { kind: 'evidence'; unit: string; period: string; component: string };

/** A key staged under a prefix the app signed, and the file's name as the browser gave it. */
export interface StagedKey { target: StagingTarget; nonce: string; fileName: string }

const UNIT = /^[a-z0-9][a-z0-9-]{0,79}$/;
const COMPONENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const NONCE = /^[0-9a-f]{32}$/;
const MAC = /^[0-9a-f]{32}$/;

function targetProblem(t: StagingTarget): boolean {
  if (!UNIT.test(t.unit)) return true;
  return t.kind === 'evidence' && (!CANONICAL_PERIOD.test(t.period) || !COMPONENT.test(t.component));
}

/** The folder of a target, before the nonce: staging/report/unit=x/ or staging/evidence/unit=x/period=p/component=c/. */
function targetFolder(t: StagingTarget): string {
  if (targetProblem(t)) throw new Error(`not a staging target: ${JSON.stringify(t)}`);
  return t.kind === 'report'
    ? `${STAGING_PREFIX}report/unit=${t.unit}/`
    : `${STAGING_PREFIX}evidence/unit=${t.unit}/period=${t.period}/component=${t.component}/`;
}

/** The signature binding a nonce to its target and to the account the form was made for. */
function macOf(secret: Buffer, t: StagingTarget, account: string, nonce: string): string {
  return createHmac('sha256', secret).update(`chiso-direct-upload\u0000${targetFolder(t)}\u0000${account}\u0000${nonce}`).digest('hex').slice(0, 32);
}

/** A fresh key prefix for one form: the target's folder, a nonce and its signature; the browser's file name follows. */
export function stagingPrefix(secret: Buffer, t: StagingTarget, account: string, nonce = randomBytes(16).toString('hex')): string {
  return `${targetFolder(t)}${nonce}.${macOf(secret, t, account, nonce)}/`;
}

/**
 * A staged key read back and checked: under a folder of this shape, with a nonce this deployment
 * signed for `account`. Null for anything else (another account's, another unit's, made up).
 */
export function verifyStagedKey(secret: Buffer, key: string, account: string): StagedKey | null {
  const m = /^staging\/(?:report\/unit=([^/]+)|evidence\/unit=([^/]+)\/period=([^/]+)\/component=([^/]+))\/([^/.]+)\.([^/]+)\/(.+)$/.exec(key);
  if (!m) return null;
  const [, reportUnit, evidenceUnit, period, component, nonce, mac, fileName] = m;
  const target: StagingTarget = reportUnit !== undefined
    ? { kind: 'report', unit: reportUnit }
    : { kind: 'evidence', unit: evidenceUnit!, period: period!, component: component! };
  if (targetProblem(target) || !NONCE.test(nonce!) || !MAC.test(mac!) || !fileName!.trim()) return null;
  const expected = Buffer.from(macOf(secret, target, account, nonce!), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(mac!, 'hex'))) return null;
  return { target, nonce: nonce!, fileName: fileName! };
}

/** A POST policy condition, as S3 reads them. */
export type PolicyCondition = Record<string, string> | [op: 'starts-with' | 'eq', field: string, value: string] | ['content-length-range', number, number];

/**
 * What the POST policy allows, besides its signature's own fields: this bucket, a key under the
 * prefix (the browser's file name after it), a file of 1 to `maxBytes` bytes, and the redirect back
 * to the app exactly.
 */
export function uploadConditions(input: { bucket: string; keyPrefix: string; maxBytes: number; redirect: string }): PolicyCondition[] {
  return [
    { bucket: input.bucket },
    ['starts-with', '$key', input.keyPrefix],
    ['content-length-range', 1, input.maxBytes],
    { success_action_redirect: input.redirect },
  ];
}
