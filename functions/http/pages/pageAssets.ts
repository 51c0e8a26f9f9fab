import type { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { assetPath } from '../../adapters/files/assets.ts';
import type { Env } from '../context.ts';

const asset = (name: string) => readFileSync(assetPath('functions', 'http', 'pages', 'assets', name));
const CSS = asset('chiso.css');
const FAVICON_SVG = asset('favicon.svg');
const FAVICON_ICO = asset('favicon.ico');

/** Pages may load their own stylesheet and images, nothing else; no inline script or style. */
const pageCsp = (formOrigins: readonly string[]) => `default-src 'none'; style-src 'self'; img-src 'self'; form-action ${["'self'", ...formOrigins].join(' ')}; base-uri 'none'; frame-ancestors 'none'`;
/** An SVG chart is opened as an image: its own inline styles only, never scripts. */
const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'";

/**
 * Every page's headers and the files pages load (stylesheet, icon), all from the package.
 * `formOrigins`: where forms may post besides this app (on AWS the upload bucket, for files past the payload cap).
 */
export function registerPageAssets(app: Hono<Env>, formOrigins: readonly string[] = []): void {
  const PAGE_CSP = pageCsp(formOrigins);
  app.use('*', async (c, next) => {
    await next();
    const type = c.res.headers.get('content-type') ?? '';
    if (type.startsWith('text/html')) c.res.headers.set('Content-Security-Policy', PAGE_CSP);
    if (type.startsWith('image/svg+xml')) c.res.headers.set('Content-Security-Policy', SVG_CSP);
    // Pages, charts and downloads of analysts and leaders are never kept by a browser or a proxy.
    if (/^\/(q|l|nop)(\/|$)/.test(c.req.path)) c.res.headers.set('Cache-Control', 'private, no-store');
  });

  const file = (path: string, body: Buffer, type: string) => app.get(path, (c) => {
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(new Uint8Array(body), 200, { 'Content-Type': type });
  });
  file('/assets/chiso.css', CSS, 'text/css; charset=utf-8');
  file('/favicon.svg', FAVICON_SVG, 'image/svg+xml');
  file('/favicon.ico', FAVICON_ICO, 'image/x-icon');
}
