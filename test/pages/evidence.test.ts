import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_LIMITS, missingEvidence, namedFiles } from '../../functions/domain/evidence.ts';
import { sniffEvidence } from '../../functions/adapters/readers/sniffFile.ts';
import { listen } from '../helpers/appServer.ts';
import { evidenceProvince, SELF_ASSESSMENT } from '../helpers/evidenceProvince.ts';
import { fakeExe, fakeHtml, realPdf, realPng, realXlsx } from '../helpers/evidenceFiles.ts';
import { buildZip } from '../helpers/zip.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * Evidence files of a self-assessment, through app.request() and a real server: judged by their
 * content (a renamed program or page refused, a real PDF, PNG and .xlsx kept), all or none, an
 * oversized body refused before it is read, and downloaded only by whoever may read the unit's
 * evidence, always as an attachment.
 */
let t: Awaited<ReturnType<typeof evidenceProvince>>;
beforeAll(async () => { t = await evidenceProvince(); }, 120_000);
afterAll(async () => { await t?.close(); });

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const post = (path: string, body: FormData, token = t.clerk) =>
  t.services.app.request(path, { method: 'POST', headers: { ...auth(token), Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' }, body });
const form = (files: [component: string, name: string, bytes: Uint8Array][]) => {
  const f = new FormData();
  for (const [component, name, bytes] of files) f.append(`evidence_${component}`, new Blob([new Uint8Array(bytes)]), name);
  return f;
};
const stored = async () => {
  const keys: string[] = [];
  for await (const o of t.services.store.list('evidence/')) keys.push(o.key);
  return keys;
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
/** One PDF for the whole file: pdfkit stamps each with its creation time. */
let pdfBytes: Buffer;
beforeAll(async () => { pdfBytes = await realPdf(); });

describe('the content of an evidence file decides what it is', () => {
  it('knows a real PDF, PNG, JPEG header and .xlsx; refuses a program, a page, an old .doc, a zip without its office part, macros', async () => {
    expect(await sniffEvidence(await realPdf())).toEqual({ kind: 'pdf' });
    expect(await sniffEvidence(realPng())).toEqual({ kind: 'png' });
    expect(await sniffEvidence(await realXlsx())).toEqual({ kind: 'xlsx' });
    expect(await sniffEvidence(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toEqual({ kind: 'jpeg' });
    for (const bad of [fakeExe(), fakeHtml(), Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n')]) expect(await sniffEvidence(bad)).toHaveProperty('refused');
    const ct = { name: '[Content_Types].xml', data: Buffer.from('<Types/>') };
    expect(await sniffEvidence(buildZip([ct, { name: 'word/document.xml', data: Buffer.from('<w:document/>') }]))).toEqual({ kind: 'docx' });
    expect(await sniffEvidence(buildZip([ct, { name: 'payload.js', data: Buffer.from('alert(1)') }]))).toHaveProperty('refused');
    const macros = await sniffEvidence(buildZip([ct, { name: 'word/document.xml', data: Buffer.from('<w/>') }, { name: 'word/vbaProject.bin', data: Buffer.from('x') }]));
    expect(macros).toMatchObject({ refused: { vi: expect.stringContaining('macro') } });
    expect(await sniffEvidence(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toMatchObject({ refused: { en: expect.stringContaining('old Office file') } });
  });

  it('reads the file names an explanation names, and those not attached', () => {
    expect(namedFiles('Báo cáo (xem bao-cao-qlvb.pdf); ảnh: Ảnh_Chụp.PNG, và QĐ12.docx.')).toEqual(['bao-cao-qlvb.pdf', 'Ảnh_Chụp.PNG', 'QĐ12.docx']);
    expect(namedFiles('Quyết định 12/QĐ-UBND')).toEqual([]);
    expect(missingEvidence([{ component: 'DOC', note: 'xem bao-cao.pdf và phu-luc.pdf' }], [{ component: 'DOC', file_name: 'Bao-Cao.pdf' }, { component: 'SIG', file_name: 'phu-luc.pdf' }]))
      .toEqual([{ component: 'DOC', file: 'phu-luc.pdf' }]);
  });
});

describe('a unit attaching evidence on /nop', () => {
  it('refuses a renamed program or page, a PNG named .pdf, a file over the cap: the form whole, with nothing stored', async () => {
    const pdf = await realPdf();
    const cases: [string, [string, string, Uint8Array][], RegExp][] = [
      ['a program renamed .pdf', [['DOC', 'bao-cao-qlvb.pdf', pdf], ['SIG', 'quyet-dinh.pdf', fakeExe()]], /Tệp "quyet-dinh\.pdf" không được nhận: nội dung không phải là PDF/],
      ['a page renamed .pdf', [['DOC', 'trang.pdf', fakeHtml()]], /Tệp "trang\.pdf" không được nhận/],
      ['a PNG named .pdf', [['SIG', 'anh.pdf', realPng()]], /mang đuôi \.pdf \(PDF\) nhưng nội dung là ảnh PNG/],
      ['an .xlsx named .docx', [['DVC', 'ho-so.docx', await realXlsx()]], /nhưng nội dung là bảng tính Excel/],
      ['a file over the cap', [['DOC', 'lon.pdf', Buffer.concat([pdf, Buffer.alloc(EVIDENCE_LIMITS.maxFileBytes)])]], /quá lớn \(10,0 MB\); mỗi tệp tối đa 10,0 MB/],
      ['a component not in the framework', [['XYZ', 'a.pdf', pdf]], /chỉ số XYZ không thuộc bộ chỉ số/],
    ];
    for (const [label, files, message] of cases) {
      const res = await post('/nop/kiem-chung?period=2026-Q3', form(files));
      expect(res.status, label).toBe(422);
      const page = text(await res.text());
      expect(page, label).toMatch(message);
      expect(page, label).toContain('Chưa lưu tệp nào');
      expect(await stored(), label).toEqual([]);
    }
    // English beside: the same refusal in the clerk's other language.
    const en = text(await (await post('/nop/kiem-chung?period=2026-Q3&lang=en', form([['SIG', 'quyet-dinh.pdf', fakeExe()]]))).text());
    expect(en).toContain('"quyet-dinh.pdf" is refused: its content is not a PDF');
  });

  it('refuses a body over the cap before reading it (a declared length, and a chunked one cut at the cap)', async () => {
    const server = await listen(t.services.app);
    try {
      const cap = EVIDENCE_LIMITS.maxSubmissionBytes + 64 * 1024;
      const answer = (chunked: boolean) => new Promise<{ status: number; sent: number; body: string }>((resolve, reject) => {
        const url = new URL('/nop/kiem-chung?period=2026-Q3', server.base);
        const req = httpRequest(url, {
          method: 'POST',
          headers: { ...auth(t.clerk), Origin: server.base, 'Content-Type': 'multipart/form-data; boundary=x', ...(chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(cap + 1) }) },
        });
        let sent = 0;
        req.on('response', (res) => {
          let body = '';
          res.on('data', (d: Buffer) => { body += d.toString(); });
          res.on('end', () => { resolve({ status: res.statusCode!, sent, body }); req.destroy(); });
        });
        req.on('error', (e) => (sent > 0 ? undefined : reject(e)));
        // Chunks of 1 MB until the server answers: a declared length is refused at once, a chunked body at the cap.
        const chunk = Buffer.alloc(1024 * 1024, 0x61);
        const pump = () => {
          if (req.destroyed || sent > cap + 4 * chunk.length) return;
          sent += chunk.length;
          if (req.write(chunk)) setImmediate(pump); else req.once('drain', pump);
        };
        req.flushHeaders();
        if (chunked) pump(); else { sent += chunk.length; req.write(chunk); }
      });
      const declared = await answer(false);
      expect(declared.status).toBe(413);
      expect(declared.sent).toBeLessThan(cap);
      expect(JSON.parse(declared.body).error.message_vi).toBe('Tệp quá lớn (tối đa 25 MB)');
      const chunked = await answer(true);
      expect(chunked.status).toBe(413);
      expect(await stored()).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('keeps a real PDF, PNG and .xlsx by component, warns of a file named but not attached, and lists them to the appraiser', async () => {
    const res = await post('/nop/kiem-chung?period=2026-Q3', form([['DOC', 'bao-cao-qlvb.pdf', pdfBytes], ['SIG', 'quyet-dinh-12.png', realPng()], ['DVC', 'ho-so-truc-tuyen.xlsx', await realXlsx()]]));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/nop/kiem-chung?period=2026-Q3&kc=3');
    expect((await stored()).filter((k) => k.endsWith('.json'))).toHaveLength(3);
    // The same bytes again for the same component: not kept twice.
    const again = await post('/nop/kiem-chung?period=2026-Q3', form([['DOC', 'bao-cao-qlvb.pdf', pdfBytes]]));
    expect(again.headers.get('location')).toContain('kc=0&lai=bao-cao-qlvb.pdf');

    const sent = await post('/nop', (() => { const f = new FormData(); f.append('file', new Blob([csvBytes(SELF_ASSESSMENT)]), 'tu-cham.csv'); return f; })());
    expect(sent.status).toBe(303);
    const answer = text(await (await t.services.app.request(sent.headers.get('location')!, { headers: auth(t.clerk) })).text());
    expect(answer).toContain('Chữ ký số: giải trình nêu tệp "anh-chup-he-thong.png" nhưng tệp này chưa được đính kèm cho chỉ số này.');
    expect(answer).not.toContain('"bao-cao-qlvb.pdf" nhưng');
    t.services.runner.lakeChanged();

    const appraisal = await (await t.services.app.request('/tham-dinh/xa-yen-lac?period=2026-Q3', { headers: auth(t.appraiser) })).text();
    const doc = /<article class="review" data-component="DOC">([\s\S]*?)<\/article>/.exec(appraisal)![1]!;
    expect(doc).toMatch(/<a href="\/nop\/kiem-chung\/xa-yen-lac\/2026-Q3\/[^"]+" download="bao-cao-qlvb.pdf">bao-cao-qlvb.pdf<\/a>/);
    expect(text(appraisal)).toContain('giải trình nêu tệp "anh-chup-he-thong.png"');
  });

  it('takes back a file attached by mistake, the unit\'s own only', async () => {
    const res = await post('/nop/kiem-chung?period=2026-Q3', form([['DVC', 'nham-tep.png', realPng()]]));
    expect(res.headers.get('location')).toBe('/nop/kiem-chung?period=2026-Q3&kc=1');
    const page = await (await t.services.app.request('/nop/kiem-chung?period=2026-Q3', { headers: auth(t.clerk) })).text();
    const id = /<li data-evidence="([^"]+)"><a [^>]+>nham-tep\.png<\/a>.*?<button type="submit" class="remove" form="go-\1"/.exec(page)?.[1];
    expect(id).toBeDefined();
    expect(page).toContain(`<form id="go-${id}" method="post" action="/nop/kiem-chung/go?period=2026-Q3" hidden>`);
    const go = (token: string) => { const f = new FormData(); f.append('id', id!); return post('/nop/kiem-chung/go?period=2026-Q3', f, token); };
    // Another unit's clerk finds nothing of that id in her own unit's folder.
    expect((await go(t.otherClerk)).status).toBe(404);
    const removed = await go(t.clerk);
    expect(removed.status).toBe(303);
    expect(removed.headers.get('location')).toBe('/nop/kiem-chung?period=2026-Q3&go=nham-tep.png');
    expect((await stored()).filter((k) => k.includes(id!))).toEqual([]);
    expect((await go(t.clerk)).status).toBe(404);
  });

  it('gives a file, as an attachment never shown inline, to the unit\'s staff and head, appraisers, analysts and admins only', async () => {
    const appraisal = await (await t.services.app.request('/tham-dinh/xa-yen-lac?period=2026-Q3', { headers: auth(t.appraiser) })).text();
    const [pdfPath, pngPath] = [...appraisal.matchAll(/href="(\/nop\/kiem-chung\/xa-yen-lac\/2026-Q3\/[^"]+)"/g)].map((m) => m[1]!);
    for (const token of [t.clerk, t.head, t.appraiser, t.analyst, t.admin]) {
      const res = await t.services.app.request(pngPath!, { headers: auth(token) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="quyet-dinh-12.png"; filename*=UTF-8\'\'quyet-dinh-12.png');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await res.arrayBuffer()).equals(realPng())).toBe(true);
    }
    expect((await t.services.app.request(pdfPath!, { headers: auth(t.clerk) })).headers.get('content-disposition')).toMatch(/^attachment;/);
    // Another unit's clerk: not found (its existence is not said); a data-sharing machine account or a leader's link opens nothing here.
    expect((await t.services.app.request(pdfPath!, { headers: auth(t.otherClerk) })).status).toBe(404);
    const machine = await t.services.tokens.issue({ name: 'LGSP tỉnh', role: 'machine', unit: null, scope: { queries: ['dti_ranking'], units: 'all' } });
    expect((await t.services.app.request(pdfPath!, { headers: auth(machine) })).status).toBe(403);
    const link = await t.services.app.request('/api/links', { method: 'POST', headers: { ...auth(t.analyst), 'Content-Type': 'application/json' }, body: JSON.stringify({ query: 'dti_ranking', params: { period: '2026-Q3' } }) });
    expect(link.status).toBe(201);
    const linkToken = new URL(((await link.json()) as { url: string }).url).pathname.split('/')[2]!;
    expect((await t.services.app.request(pdfPath!, { headers: auth(linkToken) })).status).toBe(403);
    expect((await t.services.app.request(`/l/${linkToken}${pdfPath}`)).status).toBe(404);
    const leaderPage = await (await t.services.app.request(`/l/${linkToken}`)).text();
    expect(leaderPage).not.toContain('/nop/kiem-chung/');
    // Not signed in: to the sign-in page, nothing sent.
    const anonymous = await t.services.app.request(pdfPath!);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=/);
    // An id of another unit's folder, or a made-up one: not found.
    expect((await t.services.app.request(pdfPath!.replace('xa-yen-lac', 'xa-te-lo'), { headers: auth(t.otherClerk) })).status).toBe(404);
    expect((await t.services.app.request('/nop/kiem-chung/xa-yen-lac/2026-Q3/..%2F..%2Fstate%2Ftokens', { headers: auth(t.analyst) })).status).toBe(404);
  });
});

describe('an appraiser\'s account through the API', () => {
  it('sends an appraisal spreadsheet, and nothing else', async () => {
    const put = (name: string, body: string) => t.services.app.request(`/api/submissions?filename=${encodeURIComponent(name)}`, { method: 'PUT', headers: auth(t.appraiser), body: csvBytes(body) });
    const appraisal = await put('tham-dinh-te-lo.csv', 'Đơn vị: xa-te-lo\nKỳ báo cáo: 2026-Q3\nSTT,Mã chỉ số,Điểm tối đa,Điểm thẩm định,Giải trình\n1,DOC,600,420,Đã đối chiếu hệ thống\n');
    expect(appraisal.status).toBe(201);
    expect(await appraisal.json()).toMatchObject({ status: 'accepted', layout: 'assessment', rows: 1 });
    const values = await put('so-lieu-te-lo.csv', 'Mã đơn vị,Kỳ báo cáo,Mã chỉ số,Tử số,Mẫu số,Tỷ lệ (%)\nxa-te-lo,Quý III/2026,DOC,71,100,\n');
    expect(values.status).toBe(422);
    const refused = (await values.json()) as { errors: { code: string; message_vi: string; message_en: string }[] };
    expect(refused.errors.map((e) => e.code)).toEqual(['APPRAISER_SENDS_APPRAISAL_ONLY']);
    expect(refused.errors[0]!.message_vi).toContain('chỉ gửi được bảng điểm thẩm định');
    const self = await put('tu-cham-te-lo.csv', 'Đơn vị: Xã Tề Lỗ\nKỳ báo cáo: Quý III/2026\nSTT,Mã chỉ số,Điểm tối đa,Điểm tự chấm,Giải trình\n1,DOC,600,550,Báo cáo hệ thống\n');
    const selfAnswer = (await self.json()) as { errors: { code: string }[] };
    expect(selfAnswer.errors.map((e) => e.code), JSON.stringify(selfAnswer)).toEqual(['APPRAISER_SENDS_APPRAISAL_ONLY']);
    // Once appraised, the unit's evidence of the period is what was appraised: no longer removed.
    t.services.runner.lakeChanged();
    const f = new FormData();
    f.append('id', '20261020T020000000Z-00000000');
    const closed = await post('/nop/kiem-chung/go?period=2026-Q3', f, t.otherClerk);
    expect(closed.status).toBe(409);
    expect(text(await closed.text())).toContain('Tỉnh đã thẩm định kỳ này');
    // Nor added to: the appraised evidence stays as it was, and the page offers no file box.
    const more = new FormData();
    more.append('evidence_DOC', new File([new Uint8Array(pdfBytes)], 'bo-sung.pdf', { type: 'application/pdf' }));
    const late = await post('/nop/kiem-chung?period=2026-Q3', more, t.otherClerk);
    expect(late.status).toBe(409);
    expect(text(await late.text())).toContain('không gửi thêm được nữa');
    const page = await (await t.services.app.request('/nop/kiem-chung?period=2026-Q3', { headers: auth(t.otherClerk) })).text();
    expect(page).not.toContain('type="file" name="evidence_');
    expect(page).toContain('không gửi thêm được nữa');
  });
});
