import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lakeKeys } from '../../functions/domain/lakeKeys.ts';
import type { ObjectStore } from '../../functions/ports/ObjectStore.ts';
import { createTokenStore } from '../../functions/services/accessStore.ts';
import { main as cli } from '../../functions/runtimes/cli.ts';
import { realPdf } from '../helpers/evidenceFiles.ts';
import { largePdf } from '../helpers/largeFiles.ts';
import { readPdf } from '../helpers/pdfText.ts';
import { PROVINCE_FILES, PROVINCE_UNITS, provinceReport } from '../helpers/provinceRegistry.ts';

type LambdaResponse = { statusCode: number; body: string; headers?: Record<string, string>; cookies?: string[]; isBase64Encoded?: boolean };
type UrlEvent = {
  rawPath: string; body?: string; isBase64Encoded: boolean; cookies: string[]; headers: Record<string, string>;
  requestContext: { http: { method: string; path: string } };
};

export interface ProvinceContext {
  handler: (event: unknown, context: unknown) => Promise<LambdaResponse>;
  urlEvent: (path: string, query: Record<string, string>, token: string) => UrlEvent;
  /** The analyst's code (API requests). */
  analyst: string;
  lakeBucket: string;
  lake: ObjectStore;
  /** Points the Athena stand-in at what the lake's Glue locations hold now (after each write). */
  refresh: () => Promise<void>;
  ask: (name: string, params: Record<string, string>) => Promise<Record<string, unknown>[]>;
}

interface Request {
  method?: 'GET' | 'POST';
  query?: Record<string, string>;
  /** A session cookie (a browser), or else the analyst's code as a bearer (the API). */
  session?: string;
  bearer?: string;
  form?: URLSearchParams | FormData;
  json?: unknown;
}

const check = (ok: boolean, what: string) => { if (!ok) throw new Error(`province on AWS: ${what}`); };
const sessionOf = (res: LambdaResponse) => {
  const all = [...(res.cookies ?? []), ...(res.headers?.['set-cookie'] ? [res.headers['set-cookie']] : [])];
  return all.map((c) => /^chiso_session=([^;]+)/.exec(c)?.[1]).find(Boolean) ?? null;
};
const unescapeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const bodyBytes = (res: LambdaResponse) => Buffer.from(res.body, res.isBase64Encoded ? 'base64' : 'utf8');

/**
 * A province set up and run through the *bundled* query function, over the lake bucket on s3rver
 * and Athena's stand-in: the one terminal step (`chiso admin create --bucket`), then only pages —
 * a broken registry refused with nothing changed, the province's registry imported, an account for
 * every unit in one step with its sheets, a clerk signed in by code sending a report and a
 * self-assessment, the clerk's code re-issued (the old session and code stop), an appraiser
 * completing the appraisal (the ranking takes the appraised points), the period published by a
 * decision and its annex as .xlsx and PDF; every administrative action in the audit log.
 */
export async function e2eProvince(ctx: ProvinceContext): Promise<string[]> {
  const lines: string[] = [];
  const send = async (path: string, r: Request = {}) => {
    const event = ctx.urlEvent(path, r.query ?? {}, r.bearer ?? '');
    if (!r.bearer) delete (event.headers as Record<string, string | undefined>).authorization;
    if (r.session) event.cookies = [`chiso_session=${r.session}`];
    event.requestContext.http.method = r.method ?? (r.form || r.json ? 'POST' : 'GET');
    // What a browser's own form sends under Referrer-Policy: no-referrer.
    event.headers.origin = 'null';
    event.headers['sec-fetch-site'] = 'same-origin';
    if (r.form || r.json !== undefined) {
      const request = new globalThis.Request('https://e2e.invalid/', { method: 'POST', body: r.json !== undefined ? JSON.stringify(r.json) : r.form });
      event.headers['content-type'] = r.json !== undefined ? 'application/json' : request.headers.get('content-type')!;
      event.body = Buffer.from(await request.arrayBuffer()).toString('base64');
      event.isBase64Encoded = true;
    }
    return ctx.handler(event, {});
  };
  const signIn = async (code: string) => {
    const res = await send('/login', { form: new URLSearchParams({ token: code }) });
    return { status: res.statusCode, location: res.headers?.location ?? '', session: sessionOf(res) };
  };

  // 1. The one terminal step: the administrator's code, made in the lake bucket.
  let printed = '';
  const status = await cli(['admin', 'create', '--name', 'Chị Quản trị (e2e)', '--bucket', ctx.lakeBucket], { out: (t) => { printed += t; }, err: () => {}, isTty: false });
  const adminCode = printed.trim();
  check(status === 0 && /^chiso_admin_/.test(adminCode), `admin create printed ${JSON.stringify(printed)} (exit ${status})`);
  const admin = await signIn(adminCode);
  check(admin.status === 303 && admin.location === '/quan-tri' && Boolean(admin.session), `the administrator's sign-in: HTTP ${admin.status} → ${admin.location}`);
  const asAdmin = (path: string, r: Request = {}) => send(path, { ...r, session: admin.session! });

  // 2. A broken registry is refused with its problems; nothing is kept.
  const registryKeys = async () => { let n = 0; for await (const _ of ctx.lake.list(lakeKeys.registryVersionsPrefix)) n++; return n; };
  const keysBefore = await registryKeys();
  const broken = new FormData();
  broken.append('files', new File([`${PROVINCE_UNITS}xa-yen-lac,Xã trùng mã,commune,,,\n`], 'units.csv', { type: 'text/csv' }));
  const refused = await asAdmin('/quan-tri/danh-muc', { form: broken });
  const refusedText = bodyBytes(refused).toString('utf8');
  check(!/name="staged"/.test(refusedText) && refusedText.includes('units.csv') && (await registryKeys()) === keysBefore, `a broken registry: HTTP ${refused.statusCode}, staged or kept`);

  // 3. The province's registry through the page: checked, previewed, confirmed.
  const files = new FormData();
  for (const [name, text] of Object.entries(PROVINCE_FILES)) files.append('files', new File([text], name, { type: 'text/csv' }));
  const preview = await asAdmin('/quan-tri/danh-muc', { form: files });
  const staged = /name="staged" value="([0-9a-f]{16})"/.exec(bodyBytes(preview).toString('utf8'))?.[1];
  check(preview.statusCode === 200 && Boolean(staged), `registry preview: HTTP ${preview.statusCode}`);
  const confirmed = await asAdmin('/quan-tri/danh-muc/xac-nhan', { form: new URLSearchParams({ staged: staged! }) });
  check(confirmed.statusCode === 303 && (await registryKeys()) > keysBefore, `registry confirm: HTTP ${confirmed.statusCode}`);
  await ctx.refresh();
  lines.push(`province on AWS: a broken registry refused (${refused.statusCode}, nothing kept); the province's registry imported through the page`);

  // 4. An account for every unit in one step; the sheets, one page per unit.
  const made = bodyBytes(await asAdmin('/quan-tri/tai-khoan/tat-ca', { form: new URLSearchParams({ days: '365' }) })).toString('utf8');
  const codes = [...made.matchAll(/<code class="code">(chiso_staff_[\w-]+)<\/code>/g)].map((m) => m[1]!);
  const unitCount = PROVINCE_UNITS.trim().split('\n').length - 1;
  check(codes.length === unitCount, `${codes.length} staff codes made for ${unitCount} units`);
  const sheets = await asAdmin('/quan-tri/tai-khoan/phieu.pdf', { form: new URLSearchParams(codes.map((c) => ['code', c])) });
  const dir = mkdtempSync(join(tmpdir(), 'chiso-e2e-province-'));
  try {
    const sheetPdf = readPdf(bodyBytes(sheets), join(dir, 'phieu.pdf'));
    check(sheets.statusCode === 200 && sheetPdf.pages === unitCount, `sign-in sheets: HTTP ${sheets.statusCode}, ${sheetPdf.pages} pages`);
    lines.push(`province on AWS: ${codes.length} accounts made in one step, the sheets ${sheetPdf.pages} pages (${bodyBytes(sheets).length} bytes)`);

    // 5. A clerk signs in with the code from the sheet and sends the quarter's report and a self-assessment.
    const tokens = createTokenStore(ctx.lake);
    const clerkCode = (await Promise.all(codes.map(async (c) => ({ c, check: await tokens.token(c) })))).find((x) => x.check.kind === 'valid' && x.check.record.unit === 'xa-yen-lac')!;
    check(Boolean(clerkCode), 'no code for Xã Yên Lạc');
    const clerkId = clerkCode.check.kind === 'valid' ? clerkCode.check.record.id : '';
    const clerk = await signIn(clerkCode.c);
    check(clerk.status === 303 && clerk.location === '/nop' && Boolean(clerk.session), `the clerk's sign-in: HTTP ${clerk.status} → ${clerk.location}`);
    const nop = await send('/nop', { session: clerk.session! });
    check(nop.statusCode === 200 && bodyBytes(nop).toString('utf8').includes('Xã Yên Lạc'), `/nop for the clerk: HTTP ${nop.statusCode}`);
    const upload = async (text: string, name: string) => {
      const form = new FormData();
      form.append('file', new File([text], name, { type: 'text/csv' }));
      return send('/nop', { session: clerk.session!, form });
    };
    const sent = await upload(provinceReport('Quý III/2026', [['xa-yen-lac', 60, true]]), 'so-lieu-yen-lac.csv');
    const answerPath = sent.headers?.location ?? '';
    check(sent.statusCode === 303 && /^\/nop\/nhan\/[A-Z0-9]{4}-[A-Z0-9]{4}/.test(answerPath), `the clerk's report: HTTP ${sent.statusCode} → ${answerPath}`);
    await ctx.refresh();
    const answer = await send(answerPath.split('?')[0]!, { session: clerk.session! });
    const receipt = /\/nop\/nhan\/([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(answerPath)![1]!;
    check(answer.statusCode === 200 && bodyBytes(answer).toString('utf8').includes(receipt), `the answer page ${answerPath}: HTTP ${answer.statusCode}`);
    const self = await upload('Đơn vị: Xã Yên Lạc\nKỳ báo cáo: Quý III/2026\nSTT,Mã chỉ số,Điểm tối đa,Điểm tự chấm,Giải trình\n1,DOC,600,550,Báo cáo hệ thống QLVB\n2,SIG,400,400,Quyết định 12/QĐ-UBND\n', 'tu-cham-yen-lac.csv');
    check(self.statusCode === 303, `the self-assessment: HTTP ${self.statusCode}`);
    await ctx.refresh();
    // Its evidence: a PDF attached to the DOC component, kept in the lake bucket.
    const evidencePdf = await realPdf('Bao cao he thong QLVB quy III');
    const evidenceForm = new FormData();
    evidenceForm.append('evidence_DOC', new File([new Uint8Array(evidencePdf)], 'bao-cao-qlvb.pdf', { type: 'application/pdf' }));
    const attached = await send('/nop/kiem-chung', { session: clerk.session!, query: { period: '2026-Q3' }, form: evidenceForm });
    check(attached.statusCode === 303, `evidence attached: HTTP ${attached.statusCode} ${bodyBytes(attached).toString('utf8').slice(0, 300)}`);
    lines.push(`province on AWS: a clerk signed in by code, sent the quarter (receipt ${receipt}) and a self-assessment`);

    // A 7 MB scanned decision: past the Function URL's 6 MB payload (AWS's bare 413), so the page's
    // form for the component posts it straight to the upload bucket, and S3 sends the browser back.
    const scan = await largePdf(7 * 1024 * 1024);
    const direct = new FormData();
    direct.append('evidence_DOC', new File([new Uint8Array(scan)], 'quyet-dinh-ban-quet.pdf', { type: 'application/pdf' }));
    const tooLarge = await send('/nop/kiem-chung', { session: clerk.session!, query: { period: '2026-Q3' }, form: direct });
    check(tooLarge.statusCode === 413, `a 7 MB form to the function itself: HTTP ${tooLarge.statusCode}`);
    const evidencePage = await send('/nop/kiem-chung', { session: clerk.session!, query: { period: '2026-Q3' } });
    const pageText = bodyBytes(evidencePage).toString('utf8');
    const form = /<article class="review" data-component="DOC">[\s\S]*?<form method="post" action="([^"]+)" enctype="multipart\/form-data" class="direct-upload">([\s\S]*?)<\/form>/.exec(pageText);
    check(Boolean(form), 'the evidence page has no form to the bucket for DOC');
    const bucketUrl = unescapeHtml(form![1]!);
    const csp = evidencePage.headers?.['content-security-policy'] ?? '';
    check(csp.includes(`form-action 'self' ${new URL(bucketUrl).origin};`), `the page's CSP does not let its forms post to the bucket: ${csp}`);
    const fields = new FormData();
    for (const m of form![2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.append(m[1]!, unescapeHtml(m[2]!));
    fields.append('file', new File([new Uint8Array(scan)], 'Quyết định 12 (bản quét).pdf', { type: 'application/pdf' }));
    const posted = await fetch(bucketUrl, { method: 'POST', body: fields, redirect: 'manual' });
    const back = new URL(posted.headers.get('location') ?? 'https://missing.invalid/');
    check(posted.status === 303 && back.pathname === '/nop/kiem-chung/tai-len', `the bucket's answer to the form: HTTP ${posted.status} → ${back.href}`);
    const taken = await send(back.pathname, { session: clerk.session!, query: Object.fromEntries(back.searchParams) });
    check(taken.statusCode === 303 && taken.headers?.location === '/nop/kiem-chung?period=2026-Q3&kc=1', `the staged scan taken in: HTTP ${taken.statusCode} → ${taken.headers?.location} ${bodyBytes(taken).toString('utf8').slice(0, 300)}`);
    lines.push(`province on AWS: a ${scan.length}-byte scanned PDF refused by the Function URL (${tooLarge.statusCode}) is attached through the page's form to the upload bucket (${back.searchParams.get('key')?.split('/').slice(0, 5).join('/')}/…)`);

    // 6. The clerk's code re-issued: the open session and the old code stop at once.
    const reissued = await asAdmin(`/quan-tri/tai-khoan/${clerkId}/cap-lai`, { form: new URLSearchParams() });
    check(reissued.statusCode === 200, `re-issue: HTTP ${reissued.statusCode}`);
    const stale = await send('/nop', { session: clerk.session! });
    const oldCode = await signIn(clerkCode.c);
    check(stale.statusCode !== 200 && oldCode.status === 401, `after re-issue: the old session HTTP ${stale.statusCode}, the old code HTTP ${oldCode.status}`);
    lines.push(`province on AWS: the clerk's code re-issued: the old session answered ${stale.statusCode}, the old code ${oldCode.status}`);

    // 7. An appraiser (an account made in the page) appraises the commune; the ranking takes the points.
    const appraiserPage = bodyBytes(await asAdmin('/quan-tri/tai-khoan', { form: new URLSearchParams({ role: 'appraiser', name: 'Anh Thẩm định', days: '365' }) })).toString('utf8');
    const appraiserCode = /<code class="code">(chiso_appraiser_[\w-]+)<\/code>/.exec(appraiserPage)?.[1];
    check(Boolean(appraiserCode), 'no appraiser code shown');
    const appraiser = await signIn(appraiserCode!);
    check(appraiser.status === 303 && appraiser.location === '/tham-dinh', `the appraiser's sign-in → ${appraiser.location}`);
    const queue = await send('/tham-dinh', { session: appraiser.session!, query: { period: '2026-Q3' } });
    check(queue.statusCode === 200 && bodyBytes(queue).toString('utf8').includes('Xã Yên Lạc'), `/tham-dinh: HTTP ${queue.statusCode}`);
    // The evidence, as the appraiser downloads it from the commune's page: the same bytes, never rendered.
    const unitPage = bodyBytes(await send('/tham-dinh/xa-yen-lac', { session: appraiser.session!, query: { period: '2026-Q3' } })).toString('utf8');
    const evidencePaths = [...new Set([...unitPage.matchAll(/href="(\/nop\/kiem-chung\/xa-yen-lac\/2026-Q3\/[^"?]+)"/g)].map((m) => m[1]!))];
    check(evidencePaths.length === 2, `the appraisal page links ${evidencePaths.length} evidence files, not 2`);
    const downloads = [];
    for (const path of evidencePaths) downloads.push(await send(path, { session: appraiser.session! }));
    const download = downloads.find((d) => bodyBytes(d).equals(evidencePdf))!;
    check(Boolean(download) && /^attachment/.test(download.headers?.['content-disposition'] ?? '') && download.headers?.['x-content-type-options'] === 'nosniff',
      `the evidence download: HTTP ${download?.statusCode}, ${download?.headers?.['content-disposition']}`);
    // The scan is past the function's 6 MB response: the page's link sends the appraiser to a signed address of the bucket.
    const redirected = downloads.find((d) => d.statusCode === 302);
    check(Boolean(redirected), `the 7 MB scan's link: HTTP ${downloads.map((d) => d.statusCode).join(', ')}`);
    const fromBucket = await fetch(redirected!.headers!.location!);
    const scanBack = Buffer.from(await fromBucket.arrayBuffer());
    check(fromBucket.status === 200 && scanBack.equals(scan) && /^attachment; filename="Quyet_dinh_12_ban_quet_\.pdf"/.test(fromBucket.headers.get('content-disposition') ?? '') && fromBucket.headers.get('content-type') === 'application/pdf',
      `the scan from the bucket: HTTP ${fromBucket.status}, ${scanBack.length} bytes, ${fromBucket.headers.get('content-disposition')}`);
    const appraise = (points: Record<string, string>, action: string) => send('/tham-dinh/xa-yen-lac', {
      session: appraiser.session!, query: { period: '2026-Q3' },
      form: new URLSearchParams({ ...Object.fromEntries(Object.entries(points).map(([k, v]) => [`points_${k}`, v])), comment_DOC: 'Đối chiếu báo cáo hệ thống', action }),
    });
    const aboveMax = await appraise({ DOC: '700', SIG: '400' }, 'complete');
    check(aboveMax.statusCode === 422, `a point above the maximum: HTTP ${aboveMax.statusCode}`);
    const completed = await appraise({ DOC: '500', SIG: '400' }, 'complete');
    check(completed.statusCode === 303, `completing the appraisal: HTTP ${completed.statusCode} ${bodyBytes(completed).toString('utf8').slice(0, 300)}`);
    await ctx.refresh();
    const ranking = await ctx.ask('dti_ranking', { period: '2026-Q3' });
    const yenLac = ranking.find((r) => r.unit === 'xa-yen-lac');
    check(Number(yenLac?.total_points) === 900, `dti_ranking over Athena gives Xã Yên Lạc ${JSON.stringify(yenLac)}`);
    lines.push(`province on AWS: the commune's evidence downloaded by the appraiser as sent: ${evidencePdf.length} bytes from the function (attachment, nosniff), the ${scan.length}-byte scan (past the 6 MB response) from the bucket at a signed address (attachment)`);
    lines.push(`province on AWS: the appraiser refused a point above the maximum (422), completed; dti_ranking over Athena takes the appraised 900 points`);

    // 8. The analyst publishes the period by a decision; its annex as .xlsx and PDF.
    const published = await send('/api/publications', { bearer: ctx.analyst, json: { period: '2026-Q3', decision_number: '469/QĐ-UBND', decision_date: '2026-10-20', issuing_body: 'Ủy ban nhân dân tỉnh Phú Thọ' } });
    check(published.statusCode === 201, `publish: HTTP ${published.statusCode} ${published.body}`);
    const xlsx = await send('/api/publications/2026-Q3/annex', { bearer: ctx.analyst, query: { format: 'xlsx' } });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bodyBytes(xlsx) as unknown as ArrayBuffer);
    const cells: string[] = [];
    for (const sheet of book.worksheets) sheet.eachRow((row) => row.eachCell((cell) => { cells.push(cell.text); }));
    check(xlsx.statusCode === 200 && cells.some((v) => v.includes('469/QĐ-UBND')) && cells.some((v) => v.includes('Xã Yên Lạc')), `annex .xlsx: HTTP ${xlsx.statusCode}`);
    const pdf = await send('/api/publications/2026-Q3/annex', { bearer: ctx.analyst, query: { format: 'pdf' } });
    const annex = readPdf(bodyBytes(pdf), join(dir, 'phu-luc.pdf'));
    check(pdf.statusCode === 200 && annex.a4 && annex.text.includes('469/QĐ-UBND') && annex.text.includes('900,00'), `annex PDF: HTTP ${pdf.statusCode}, text ${annex.text.slice(0, 200)}`);
    lines.push(`province on AWS: 2026-Q3 published by 469/QĐ-UBND; the annex .xlsx ${bodyBytes(xlsx).length} bytes, PDF ${bodyBytes(pdf).length} bytes A4 with 900,00`);

    // 9. The province's data-sharing platform: a machine account made in the page reads the published
    //    ranking of its units, and nothing outside its scope.
    const machinePage = bodyBytes(await asAdmin('/quan-tri/tai-khoan', { form: new URLSearchParams({ role: 'machine', name: 'Nền tảng chia sẻ dữ liệu tỉnh', days: '365', queries: 'dti_ranking', units: 'xa-yen-lac,xa-te-lo' }) })).toString('utf8');
    const machine = /<code class="code">(chiso_machine_[\w-]+)<\/code>/.exec(machinePage)?.[1];
    check(Boolean(machine), `no machine code shown: ${machinePage.slice(0, 300)}`);
    const shared = await send('/api/data/2026-Q3/published/dti_ranking', { bearer: machine!, query: { format: 'json' } });
    const sharedRows = shared.statusCode === 200 ? (JSON.parse(bodyBytes(shared).toString('utf8')) as Record<string, unknown>[] | { rows: Record<string, unknown>[] }) : [];
    const rows = Array.isArray(sharedRows) ? sharedRows : sharedRows.rows;
    const units = new Set(rows.map((r) => String(r.unit)));
    check(shared.statusCode === 200 && Number(rows.find((r) => r.unit === 'xa-yen-lac')?.total_points) === 900 && [...units].every((u) => u === 'xa-yen-lac' || u === 'xa-te-lo'),
      `the machine's published ranking: HTTP ${shared.statusCode}, units ${[...units].join(', ')}`);
    const outside = await send('/api/queries/province_scorecard', { bearer: machine!, query: { period: '2026-Q3', format: 'json' } });
    const page = await send('/nop', { bearer: machine! });
    check(outside.statusCode === 403 && page.statusCode === 403, `the machine outside its scope: query HTTP ${outside.statusCode}, page HTTP ${page.statusCode}`);
    lines.push(`province on AWS: a machine account reads the published ranking of its ${units.size} units (900 for Xã Yên Lạc); another query and a page answer 403`);

    // 10. Every administrative action in the audit log, with who.
    const audit = bodyBytes(await asAdmin('/quan-tri/nhat-ky')).toString('utf8');
    const actions = ['account.create', 'registry.import', 'accounts.bulk', 'account.reissue'];
    const byAdmin = (audit.match(/Chị Quản trị \(e2e\)/g) ?? []).length;
    check(byAdmin >= actions.length, `the audit page names the administrator ${byAdmin} times`);
    lines.push(`province on AWS: the audit log page lists the administrator's actions (${byAdmin} rows by her)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
