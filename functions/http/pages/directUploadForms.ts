import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Principal } from '../../domain/access/tokens.ts';
import { DIRECT_UPLOAD_EXPIRES_SECONDS, stagingPrefix, verifyStagedKey, type StagedKey, type StagingTarget } from '../../domain/directUpload.ts';
import type { DirectUpload } from '../../ports/DirectUpload.ts';
import { publicOrigin, type HttpDeps } from '../context.ts';
import { renderNotice, renderPage, type Lang } from './renderPages.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * The clerk's upload forms on AWS, where the query function takes at most 6 MB a request (a file
 * arrives base64-encoded: ~4.4 MB): the form posts the file straight to the upload bucket's
 * staging/ folder (a presigned POST: the app's cap, a key under this account's unit and a signed
 * nonce, 30 minutes), S3 sends the browser back to the app's route, which takes the staged file
 * (takeStaged) and runs it through the same service as a form posted to the app.
 */
const WORDS = {
  vi: {
    notYours: 'Tệp tải lên này không thuộc tài khoản hoặc đơn vị của bạn.',
    gone: 'Không tìm thấy tệp vừa tải lên: tệp có thể đã được xử lý (xem danh sách báo cáo) hoặc đã quá một ngày. Hãy gửi lại nếu cần.',
    tooLarge: (name: string, size: string, max: string) => `Tệp "${name}" quá lớn (${size}); tối đa ${max}. Tệp không được đọc và đã bị xoá.`,
    empty: (name: string) => `Tệp "${name}" rỗng.`,
    carryOn: 'Đang mở lại trang của bạn…', carryOnButton: 'Tiếp tục',
    limit: (max: string) => `Tối đa ${max} mỗi tệp.`,
  },
  en: {
    notYours: 'This upload does not belong to your account or unit.',
    gone: 'The uploaded file was not found: it may have been processed already (see the list of reports) or be over a day old. Send it again if needed.',
    tooLarge: (name: string, size: string, max: string) => `"${name}" is too large (${size}); at most ${max}. It was not read and has been deleted.`,
    empty: (name: string) => `"${name}" is empty.`,
    carryOn: 'Taking you back to your page…', carryOnButton: 'Continue',
    limit: (max: string) => `At most ${max} a file.`,
  },
};

const MB = 1024 * 1024;
/** "7,3 MB" / "7.3 MB", and a cap in whole megabytes. */
export const megabytes = (n: number, lang: Lang) => (n % MB === 0 ? `${n / MB} MB` : `${(n / MB).toFixed(1).replace('.', lang === 'vi' ? ',' : '.')} MB`);

/** The account a staged key must have been signed for: the person, not only the unit. */
const accountOf = (who: Principal) => who.id;

/**
 * A form that posts one file straight to the bucket: the signed fields hidden, then the file input
 * (`file`, last: S3 ignores what follows it), then the button. `back`: the app's route S3 sends
 * the browser to, a path of this app.
 */
export async function directForm(c: Context, deps: HttpDeps & { directUpload: DirectUpload }, who: Principal, input: {
  target: StagingTarget; maxBytes: number; back: string; lang: Lang; accept: string; label: Html | string; button: string; id?: string; /** `big`: a button of its own size outside a `.share` section. */ buttonClass?: string;
}): Promise<HtmlEscapedString> {
  const form = await deps.directUpload.form({
    keyPrefix: stagingPrefix(deps.linkSecret, input.target, accountOf(who)),
    maxBytes: input.maxBytes,
    redirect: `${publicOrigin(c, deps)}${input.back}`,
    expiresSeconds: DIRECT_UPLOAD_EXPIRES_SECONDS,
  });
  const inputId = input.id ?? `direct-${input.target.kind === 'evidence' ? input.target.component : 'report'}`;
  return html`<form method="post" action="${form.url}" enctype="multipart/form-data" class="direct-upload">${form.fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<label for="${inputId}">${input.label}</label> <span class="meta">${WORDS[input.lang].limit(megabytes(input.maxBytes, input.lang))}</span><input id="${inputId}" type="file" name="file" accept="${input.accept}" required><button type="submit"${input.buttonClass ? html` class="${input.buttonClass}"` : ''}>${input.button}</button></form>`;
}

/**
 * S3's redirect reaches the app with the sign-in cookie left behind: a top-level navigation whose
 * redirect chain crossed sites carries no SameSite=Strict cookie. One hop from the app's own page
 * (a meta refresh, no script) carries it; `tiep=1` marks that hop so an absent session then goes
 * to sign in instead of round again.
 */
export async function bounceOnce(c: Context, lang: Lang): Promise<Response | null> {
  const url = new URL(c.req.url);
  if (url.searchParams.get('tiep') === '1') return null;
  url.searchParams.set('tiep', '1');
  const again = `${url.pathname}?${url.searchParams}`;
  const w = WORDS[lang];
  c.header('Cache-Control', 'no-store');
  return c.html(await renderPage({ lang, title: w.carryOn, otherLangUrl: again }, html`<meta http-equiv="refresh" content="0;url=${again}"><div class="notice"><p>${w.carryOn}</p><p><a class="button" href="${again}">${w.carryOnButton}</a></p></div>`));
}

/** A staged file checked and about to be read; `done` removes it from staging, whatever came of it. */
export interface Staged { key: string; staged: StagedKey; size: number; read(): Promise<Uint8Array>; done(): Promise<void> }

/**
 * The staged file S3's redirect names, if it is this account's for this kind of target and within
 * `maxBytes` (looked at before it is read; one over the cap is deleted unread). Otherwise the page
 * that refuses it.
 */
export async function takeStaged(c: Context, deps: HttpDeps & { directUpload: DirectUpload }, who: Principal, kind: StagingTarget['kind'], maxBytes: number, lang: Lang, title: string): Promise<Staged | Response> {
  const w = WORDS[lang];
  const key = c.req.query('key') ?? '';
  const staged = verifyStagedKey(deps.linkSecret, key, accountOf(who));
  if (!staged || staged.target.kind !== kind || staged.target.unit !== who.unit) return c.html(await renderNotice(lang, title, w.notYours), 403);
  const upload = deps.directUpload;
  const size = await upload.size(key);
  if (size === null) return c.html(await renderNotice(lang, title, w.gone), 404);
  const done = () => upload.remove(key);
  if (size > maxBytes) {
    await done();
    return c.html(await renderNotice(lang, title, w.tooLarge(staged.fileName, megabytes(size, lang), megabytes(maxBytes, lang))), 413);
  }
  if (size === 0) {
    await done();
    return c.html(await renderNotice(lang, title, w.empty(staged.fileName)), 400);
  }
  return {
    key, staged, size, done,
    async read() {
      const bytes = await upload.read(key);
      if (!bytes) throw new Error(`staged object vanished: ${key}`);
      return bytes;
    },
  };
}
