import type { Context, MiddlewareHandler } from 'hono';
import { EVIDENCE_LIMITS } from '../domain/evidence.ts';
import { LIMITS } from '../domain/limits.ts';
import type { Admission, Sender } from '../services/ingestQueue.ts';
import { problem, type HttpDeps } from './context.ts';

/**
 * Every request body is limited before it is read, by route, in this one place: sign-in and the
 * other small forms and JSON bodies at 64 KB, uploads at the file limit. A declared Content-Length
 * over the cap is refused unread; a body without one (chunked) is cut at the cap. One
 * unauthenticated 200 MB form must not cost the server 200 MB.
 */
export const SMALL_BODY_BYTES = 64 * 1024;
/** What a multipart form adds around the file (boundaries, part headers, the file's name). */
const MULTIPART_OVERHEAD = 64 * 1024;

const UPLOAD_ROUTES: { method: string; path: RegExp; maxBytes: number; /** The limit a refusal names, when not the file limit. */ shownBytes?: number }[] = [
  { method: 'PUT', path: /^\/api\/submissions\/?$/, maxBytes: LIMITS.maxFileBytes },
  { method: 'POST', path: /^\/nop\/?$/, maxBytes: LIMITS.maxFileBytes + MULTIPART_OVERHEAD },
  // The administrator's registry files, and the codes of a few hundred accounts posted back for their sheets.
  { method: 'POST', path: /^\/quan-tri\/(danh-muc|tai-khoan\/(phieu\.pdf|email\.csv))\/?$/, maxBytes: LIMITS.maxFileBytes + MULTIPART_OVERHEAD },
  { method: 'POST', path: /^\/api\/publications\/[^/]+\/reconcile\/?$/, maxBytes: LIMITS.maxFileBytes },
  { method: 'POST', path: /^\/doi-chieu\/?$/, maxBytes: LIMITS.maxFileBytes + MULTIPART_OVERHEAD },
  // A unit's evidence files of one form together (each is checked again against its own cap).
  { method: 'POST', path: /^\/nop\/kiem-chung\/?$/, maxBytes: EVIDENCE_LIMITS.maxSubmissionBytes + MULTIPART_OVERHEAD, shownBytes: EVIDENCE_LIMITS.maxSubmissionBytes },
];

/** The most a body of this route may be. */
export function bodyCapOf(method: string, path: string): number {
  return UPLOAD_ROUTES.find((r) => r.method === method && r.path.test(path))?.maxBytes ?? SMALL_BODY_BYTES;
}

const size = (n: number) => (n >= 1024 * 1024 ? `${Math.floor(n / 1024 / 1024)} MB` : `${Math.floor(n / 1024)} KB`);

const tooLarge = (c: Context, maxBytes: number) => {
  const upload = maxBytes > SMALL_BODY_BYTES;
  const shown = UPLOAD_ROUTES.find((r) => r.method === c.req.method && r.path.test(c.req.path))?.shownBytes ?? LIMITS.maxFileBytes;
  return problem(c, upload
    ? { status: 413, code: 'FILE_TOO_LARGE', vi: `Tệp quá lớn (tối đa ${size(shown)})`, en: `File too large (at most ${size(shown)})` }
    : { status: 413, code: 'BODY_TOO_LARGE', vi: `Nội dung gửi lên quá lớn (tối đa ${size(maxBytes)})`, en: `The request body is too large (at most ${size(maxBytes)})` });
};

/** The body, passed on until `maxBytes`; past it the stream fails and `onExceeded` is called. */
function capped(body: ReadableStream<Uint8Array>, maxBytes: number, onExceeded: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let seen = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      seen += value.byteLength;
      if (seen > maxBytes) {
        onExceeded();
        // Not cancelled: the server drains or closes the rest once the 413 is sent.
        reader.releaseLock();
        return controller.error(new Error(`body over ${maxBytes} bytes`));
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** The middleware, for every route (app.ts): the cap is chosen by method and path. */
export function limitBodies(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || !c.req.raw.body) return next();
    const maxBytes = bodyCapOf(c.req.method, c.req.path);
    const declared = c.req.header('content-length');
    if (declared !== undefined && !c.req.header('transfer-encoding')) {
      // The HTTP parser holds the body to its declared length: checking the header is enough.
      return Number(declared) > maxBytes ? tooLarge(c, maxBytes) : next();
    }
    let exceeded = false;
    c.req.raw = new Request(c.req.raw, { body: capped(c.req.raw.body, maxBytes, () => { exceeded = true; }), duplex: 'half' } as RequestInit);
    await next();
    if (exceeded) {
      // Whatever the route made of a failed read (a 400, a 500) is replaced by what happened.
      c.res = undefined;
      c.res = tooLarge(c, maxBytes);
    }
  };
}

/**
 * Room in the ingest queue for an upload, taken before its body is read, for its declared size
 * (the cap when it declares none): a burst of large uploads is answered 503 at once, instead of
 * each being received into memory first. Throws IngestQueueFullError; `release` once done.
 */
export function admitUpload(c: Context, deps: Pick<HttpDeps, 'admitUpload' | 'ingest'>, who: Sender): Admission {
  const declared = Number(c.req.header('content-length'));
  const maxBytes = bodyCapOf(c.req.method, c.req.path);
  return admitBytes(deps, who, Number.isFinite(declared) && declared > 0 ? Math.min(declared, maxBytes) : maxBytes);
}

/** Room in the ingest queue for a file of a known size (one staged in the bucket); without a queue, the ingest itself. */
export function admitBytes(deps: Pick<HttpDeps, 'admitUpload' | 'ingest'>, who: Sender, bytes: number): Admission {
  if (!deps.admitUpload) return { ingest: deps.ingest, release: () => undefined };
  return deps.admitUpload(who, bytes);
}
