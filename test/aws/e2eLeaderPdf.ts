import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNumber } from '../../functions/http/pages/renderPages.ts';
import { readPdf, scorecardMismatches } from '../helpers/pdfText.ts';

type LambdaResponse = { statusCode: number; body: string; headers?: Record<string, string>; isBase64Encoded?: boolean };
type UrlEvent = { rawPath: string; body?: string; isBase64Encoded: boolean; headers: Record<string, string>; requestContext: { http: { method: string; path: string } } };

/**
 * A leader's link made and opened through the bundled query function, its PDF drawn by the lazy
 * renderer beside the bundle (pdfkit and the font copied there): A4 landscape, every indicator
 * inside the page width, each unit's values equal to the API's over Athena. One line for the report.
 */
export async function e2eLeaderPdf(
  handler: (event: unknown, context: unknown) => Promise<LambdaResponse>,
  urlEvent: (path: string, query: Record<string, string>, token: string) => UrlEvent,
  token: string,
  ask: (name: string, params: Record<string, string>) => Promise<Record<string, unknown>[]>,
): Promise<string> {
  const post = urlEvent('/api/links', {}, token);
  post.requestContext.http.method = 'POST';
  post.headers['content-type'] = 'application/json';
  post.body = JSON.stringify({ query: 'district_scorecard', params: { period: '2024-Q4' }, expires_in: 3600 });
  const made = await handler(post, {});
  if (made.statusCode !== 201) throw new Error(`leader link from the bundle: HTTP ${made.statusCode} ${made.body}`);
  const path = new URL((JSON.parse(made.body) as { url: string }).url).pathname;
  const res = await handler(urlEvent(`${path}/pdf`, {}, token), {});
  const bytes = Buffer.from(res.body, res.isBase64Encoded ? 'base64' : 'utf8');
  if (res.statusCode !== 200 || bytes.subarray(0, 5).toString() !== '%PDF-') throw new Error(`leader PDF from the bundle: HTTP ${res.statusCode}`);
  const dir = mkdtempSync(join(tmpdir(), 'chiso-e2e-pdf-'));
  try {
    const pdf = readPdf(bytes, join(dir, 'leader.pdf'));
    const landscape = pdf.a4 && pdf.width > pdf.height;
    const inside = pdf.right <= pdf.width - 39;
    const found = scorecardMismatches(pdf.text, await ask('district_scorecard', { period: '2024-Q4' }), (n) => formatNumber(n, 'vi'));
    const ok = landscape && inside && found.units.length === 0 && found.indicators.length === 0 && found.indicatorCount === 15;
    const line = `leader PDF from the bundle (2024-Q4 scorecard link): ${bytes.length} bytes, ${pdf.pages} pages, ${landscape ? 'A4 landscape' : `${pdf.width}×${pdf.height} pt`}, `
      + `${found.indicatorCount - found.indicators.length} of ${found.indicatorCount} indicators, rightmost word at ${pdf.right.toFixed(1)} of ${pdf.width.toFixed(1)} pt, `
      + `${found.units.length ? `units whose values differ from the API: ${found.units.join(', ')}` : 'every unit\'s values equal the API\'s'}`;
    if (!ok) throw new Error(line);
    return line;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
