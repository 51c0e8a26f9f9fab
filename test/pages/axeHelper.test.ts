import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutProblems, seriousViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/browser.ts';

/** The audits every person's path runs have teeth: a page with the faults they look for is caught. */
let browser: Browser;
let server: Server;
let base = '';
beforeAll(async () => {
  browser = await launchChromium();
  // Served as the app serves its pages: a CSP that refuses every script, axe's included.
  server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "script-src 'none'" }).end(BAD));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const BAD = `<!doctype html><html lang="vi"><head><title>x</title></head><body><main>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20"><button></button>
<p style="color:#bbb;background:#fff">chữ nhạt</p><p style="font-size:9px">chữ nhỏ</p><div style="width:500px">rộng</div></main></body></html>`;

describe('the accessibility and phone checks', () => {
  it('find a missing image text, a nameless button, low contrast, a small target, small text and sideways scroll', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(`${base}/bad`);
    const found = (await seriousViolations(page)).map((v) => v.id);
    expect(found).toEqual(expect.arrayContaining(['image-alt', 'button-name', 'color-contrast']));
    const kinds = (await layoutProblems(page)).map((p) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['small-target', 'small-text', 'sideways-scroll']));
    // The page under test keeps its own context: the audit's CSP bypass is not left on it.
    expect(await page.evaluate(() => 'axe' in window)).toBe(false);
    await context.close();
  });
});
