import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatReceipt, receiptCode } from '../../functions/domain/receiptCode.ts';
import { TEMPLATE_HEADER_ROW } from '../../functions/http/reportTemplate.ts';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * The clerk's pages through app.request(): what is due first, POST-redirect-GET to an answer of
 * its own address with a receipt number, names instead of codes, one form for every explanation,
 * a returned report as a banner. Xã Tam Hồng (a commune of Phú Thọ since 1/7/2025) never sent
 * Quý III/2026 in the demo; on 4/12/2026 it is 55 days overdue (deadline 10/10/2026).
 */
let dir: string;
let services: QueryServices;
let clock = new Date('2026-12-04T03:00:00Z');
let clerk: string;
let head: string;
let analyst: string;
/** The receipt of Tam Hồng's Quý III/2026 report, sent in the second test. */
let sentId = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-clerk-'));
  await cp(inject('demoLake'), dir, { recursive: true });
  services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7, initialApproval: true }, { now: () => clock });
  clerk = await services.tokens.issue({ name: 'Văn thư Tam Hồng', role: 'staff', unit: 'xa-tam-hong-2025' });
  head = await services.tokens.issue({ name: 'Chủ tịch UBND xã Tam Hồng', role: 'head', unit: 'xa-tam-hong-2025' });
  analyst = await services.tokens.issue({ name: 'Chị Lan', role: 'analyst', unit: null });
}, 120_000);
afterAll(async () => {
  await services?.close();
  await rm(dir, { recursive: true, force: true });
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const get = (path: string, token = clerk) => services.app.request(path, { headers: auth(token) });
/** A form posted from the app's own page, as a browser sends it. */
const post = (path: string, body: FormData, token = clerk) =>
  services.app.request(path, { method: 'POST', headers: { ...auth(token), Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' }, body });
const fileForm = (name: string, text: string) => {
  const form = new FormData();
  form.append('file', new Blob([csvBytes(text)]), name);
  return form;
};
/** The periods list of /nop: [period, state code, its text]. */
const periodsOf = (page: string) => [...page.matchAll(/<li class="period [a-z]+" data-period="([^"]+)" data-status="([a-z]+)">([\s\S]*?)<\/li>/g)]
  .map((m) => [m[1], m[2], m[3]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()]);
const submissions = async () => ((await (await services.app.request('/api/submissions', { headers: auth(analyst) })).json()) as unknown[]).length;

describe('a clerk sees what is due, sends it, and keeps the answer', () => {
  it('opens /nop with the overdue period first, its deadline and days late, then the others', async () => {
    const res = await get('/nop');
    expect(res.status).toBe(200);
    const page = await res.text();
    const periods = periodsOf(page);
    expect(periods[0]).toEqual(['2026-Q3', 'late', 'Quý III/2026 Quá hạn 55 ngày, chưa nộp Hạn nộp: 10/10/2026']);
    expect(periods[1]).toEqual(['2026-Q4', 'open', 'Quý IV/2026 Đang trong kỳ, chưa đến hạn Hạn nộp: 10/01/2027']);
    expect(periods.slice(2).map((p) => [p[0], p[1]])).toEqual([['2026-Q2', 'received'], ['2026-Q1', 'received'], ['2025-Q4', 'received'], ['2025-Q3', 'received']]);
    expect(periods[2]![2]).toMatch(/Đã nhận, đúng hạn Hạn nộp: 10\/07\/2026 Mã tiếp nhận: [2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(page).toContain('<b>Cần gửi ngay: Quý III/2026</b> — Quá hạn 55 ngày, chưa nộp (hạn nộp 10/10/2026)');
    // The template is offered for the period to send now; signing out is one tap away; the brand leads home.
    expect(page).toContain('<option value="2026-Q3" selected>Quý III/2026</option>');
    expect(page).toContain('<a class="sign-out" href="/logout">Đăng xuất</a>');
    expect(page).toContain('<a class="brand" href="/nop">');
    // History: periods as people write them, a district-wide file counted for this commune only (15 of its 75).
    expect(page).not.toMatch(/<td data-label="Kỳ">\d{4}-Q\d<\/td>/);
    // The district office's file holds other communes' values: named, not offered for download.
    const row = /<tr data-submission="([^"]+)"><td data-label="Thời điểm">[^<]*<\/td><td data-label="Kỳ">Quý II\/2026<\/td>\s*<td data-label="Tệp"><span data-shared-file>tong-hop-xa-quy-II-2026\.xlsx<\/span><\/td><td class="status accepted" data-label="Trạng thái"><span>Đã nhận \(15\)[^]*?<a class="receipt" href="([^"]+)">/.exec(page);
    expect(row).not.toBeNull();
    expect((await get(`/nop/tep/${row![1]}`)).status).toBe(404);
    // Its receipt opens the answer, with this commune's 15 values only.
    const answer = await get(row![2]!);
    expect(answer.status).toBe(200);
    const answered = await answer.text();
    expect(answered).toContain('tong-hop-xa-quy-II-2026.xlsx');
    expect([...answered.matchAll(/<tr data-indicator=/g)]).toHaveLength(15);
  });

  it('speaks one language per page: /nop has no English words in Vietnamese, and its states in English with lang=en', async () => {
    const words = (page: string) => page.replace(/<(script|style)[\s\S]*?<\/\1>/g, '').replace(/<nav class="lang">[\s\S]*?<\/nav>/g, '').replace(/<[^>]+>/g, ' ');
    const vi = words(await (await get('/nop')).text());
    for (const english of ['Received', 'Overdue', 'Deadline', 'Sign out', 'Accepted', 'Rejected', 'Waiting', 'days late', 'Reporting periods', 'Send the report', 'Template', 'Receipt']) expect(vi).not.toContain(english);
    const en = words(await (await get('/nop?lang=en')).text());
    for (const vietnamese of ['Đã nhận', 'Quá hạn', 'Hạn nộp', 'Bị từ chối', 'Chờ', 'nộp muộn', 'Các kỳ báo cáo', 'Gửi báo cáo', 'Tải mẫu', 'Quý ', 'Mã tiếp nhận']) expect(en).not.toContain(vietnamese);
    expect(en).toContain('Overdue by 55 days, not sent');
    expect(en).toContain('Received, on time');
  });

  it('answers a file at its own address (reload-safe, in either language) with the receipt and the days late', async () => {
    const before = await submissions();
    const sent = await post('/nop', fileForm('tam-hong-quy-III-2026.csv', 'Đơn vị: Xã Tam Hồng\nKỳ báo cáo: Quý III/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,Thư công vụ,11500,12000\n2,DOC_ONLINE,9000,10000\n'));
    expect(sent.status).toBe(303);
    const location = sent.headers.get('location')!;
    // The answer's address is its receipt number: 8 characters a clerk can read over the phone.
    expect(location).toMatch(/^\/nop\/nhan\/[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const id = location.split('/').pop()!;
    // The API keeps the long submission id; the receipt is derived from it.
    const newest = ((await (await services.app.request('/api/submissions', { headers: auth(analyst) })).json()) as { submission_id: string }[])[0]!.submission_id;
    expect(formatReceipt(receiptCode(newest))).toBe(id);
    sentId = newest;
    const first = await (await get(location)).text();
    const again = await get(location);
    expect(again.status).toBe(200);
    // A reload shows the same answer and sends nothing.
    expect(await again.text()).toBe(first);
    expect(await submissions()).toBe(before + 1);
    expect(first).toContain('<h1>Đã nhận: tam-hong-quy-III-2026.csv</h1>');
    expect(first).toContain(`<dt>Mã tiếp nhận</dt><dd><code data-receipt>${id}</code></dd>`);
    expect(first).toContain('Quý III/2026: nộp muộn 55 ngày (hạn nộp 10/10/2026)');
    expect(first).toContain('2 giá trị của Xã Tam Hồng');
    // A short name is read as its indicator; counts are grouped as Vietnamese write them.
    expect(first).toMatch(/<tr data-indicator="OFFICIAL_EMAIL"><td class="name" data-label="Chỉ tiêu"[^>]*>Thư công vụ<\/td><td data-label="Kỳ">Quý III\/2026<\/td><td class="num" data-label="Tử số">11\.500<\/td><td class="num" data-label="Mẫu số">12\.000<\/td><td class="num" data-label="Giá trị">95,8<\/td>/);
    // Waiting for the head (approval is on in this deployment).
    expect(first).toContain('data-decision="pending">Chờ lãnh đạo duyệt');
    // "English" keeps the answer.
    const english = await (await get(`${location}?lang=en`)).text();
    expect(english).toContain('<h1>Accepted: tam-hong-quy-III-2026.csv</h1>');
    expect(english).toContain(`<dt>Receipt number</dt><dd><code data-receipt>${id}</code></dd>`);
    expect(english).toContain('Q3 2026: 55 days late (deadline 10/10/2026)');
    expect(first).toContain(`href="${location}?lang=en"`);
    // The same bytes again: the earlier answer, said to be one.
    const twice = await post('/nop', fileForm('tam-hong-quy-III-2026.csv', 'Đơn vị: Xã Tam Hồng\nKỳ báo cáo: Quý III/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,Thư công vụ,11500,12000\n2,DOC_ONLINE,9000,10000\n'));
    expect(twice.headers.get('location')).toBe(`${location}?lai=1`);
    expect(await (await get(`${location}?lai=1`)).text()).toContain('Tệp này đã được nhận trước đó');
    // /nop: the period now waits for the head, 55 days late; the receipt is in the history.
    const nop = await (await get('/nop')).text();
    expect(periodsOf(nop).find((p) => p[0] === '2026-Q3')).toEqual(['2026-Q3', 'waiting', `Quý III/2026 Đã gửi, chờ lãnh đạo duyệt, nộp muộn 55 ngày Hạn nộp: 10/10/2026 Mã tiếp nhận: ${id}`]);
    expect(nop).toContain(`<a class="receipt" href="/nop/nhan/${id}">${id}</a>`);
    // Another unit's clerk cannot read this answer.
    // Typed by hand: lower case, without the dash; the long id still opens it; a wrong code finds nothing.
    const typed = await get(`/nop/nhan/${id.toLowerCase().replace('-', '')}?lang=en`);
    expect([typed.status, typed.headers.get('location')]).toEqual([302, `${location}?lang=en`]);
    expect(await (await get(`/nop/nhan/${newest}`)).text()).toContain(`<code data-receipt>${id}</code>`);
    expect((await get(`/nop/nhan/${id.replace(/^./, (c) => (c === '2' ? '3' : '2'))}`)).status).toBe(404);
    expect((await get('/nop/nhan/O0I1L000')).status).toBe(404);
    const other = await services.tokens.issue({ name: 'Văn thư Tề Lỗ', role: 'staff', unit: 'xa-te-lo-2025' });
    expect((await get(location, other)).status).toBe(404);
  });

  it('names indicators and units in errors, never codes; a CSV has no "sheet"; the history links to the errors again', async () => {
    const sent = await post('/nop', fileForm('telo-bad.csv', 'Đơn vị: Xã Tề Lỗ\nKỳ báo cáo: Quý III/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,Thư công vụ,5,10\n'));
    expect(sent.status).toBe(303);
    const location = sent.headers.get('location')!;
    const page = await (await get(location)).text();
    expect(page).toContain('<h1>Bị từ chối: telo-bad.csv</h1>');
    expect(page).toContain('Tài khoản này chỉ được gửi báo cáo của Xã Tam Hồng; tệp có số liệu của Xã Tề Lỗ.');
    // Named at the source, not only on this page: the API and the CLI say the same.
    const history = await (await get('/nop')).text();
    const telo = /<tr data-submission="([^"]+)">(?:(?!<\/tr>)[\s\S])*?telo-bad\.csv/.exec(history)![1]!;
    const stored = (await (await services.app.request(`/api/submissions/${telo}`, { headers: auth(analyst) })).json()) as { errors: { message_vi: string; message_en: string }[] };
    expect(stored.errors[0]!.message_vi).toBe('Tài khoản này chỉ được gửi báo cáo của Xã Tam Hồng; tệp có số liệu của Xã Tề Lỗ.');
    expect(stored.errors[0]!.message_en).not.toMatch(/xa-te-lo|xa-tam-hong/);
    expect(page).not.toMatch(/xa-te-lo-2025|xa-tam-hong-2025|Trang telo-bad\.csv/);
    expect(page).toMatch(/<b>Dòng \d+<\/b>/);
    const unknown = await post('/nop', fileForm('tam-hong-sai-ten.csv', 'Đơn vị: Xã Tam Hồng\nKỳ báo cáo: Quý III/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,Tỷ lệ cán bộ dùng thư,5,10\n'));
    const unknownPage = await (await get(unknown.headers.get('location')!)).text();
    expect(unknownPage).toContain('Có phải:');
    expect(unknownPage).not.toMatch(/\b[A-Z]+_[A-Z_]+\b(?![^<]*>)/); // no OFFICIAL_EMAIL outside tags
    const nop = await (await get('/nop')).text();
    expect(nop).toMatch(new RegExp(`telo-bad\\.csv</a></td><td class="status rejected" data-label="Trạng thái"><span>Bị từ chối \\(1 lỗi\\) — <a class="errors-link" href="${location}">xem lỗi</a>`));
  });

  it('takes every explanation in one form, keeps what was typed, and says from what to what', async () => {
    // Tề Lỗ's 2026-Q3 report (15 days late in the demo) has warnings: official e-mail fell 46 points.
    const telo = await services.tokens.issue({ name: 'Văn thư Tề Lỗ', role: 'staff', unit: 'xa-te-lo-2025' });
    const page = await (await get('/nop', telo)).text();
    const forms = page.match(/<form method="post" action="\/nop\/giai-trinh"/g) ?? [];
    expect(forms).toHaveLength(1);
    expect(page).toMatch(/<b>Thư công vụ<\/b> \(Quý III\/2026\): Tỷ lệ giảm từ \d+,\d% xuống \d+(,\d)?% so với kỳ trước/);
    const boxes = [...page.matchAll(/name="(gt:[^"]+)"/g)].map((m) => m[1]!);
    expect(boxes.length).toBeGreaterThanOrEqual(2);
    const form = new FormData();
    form.append('back', '/nop');
    form.append(boxes[0]!, 'Chuyển sang hệ thống thư mới của tỉnh');
    form.append(boxes[1]!, 'Số hồ sơ giảm vì sáp nhập xã');
    for (const b of boxes.slice(2)) form.append(b, '');
    const sent = await post('/nop/giai-trinh', form, telo);
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/nop?kq=2');
    const after = await (await get('/nop?kq=2', telo)).text();
    expect(after).toContain('Đã lưu 2 giải trình.');
    expect(after).toContain('Đã giải trình: Chuyển sang hệ thống thư mới của tỉnh');
    expect(after).toContain('Đã giải trình: Số hồ sơ giảm vì sáp nhập xã');
  });

  it('shows a returned report as a banner with the head\'s comment', async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ decision: 'returned', comment: 'Số thư công vụ chưa khớp sổ theo dõi của văn phòng, đề nghị kiểm tra lại', unit: 'xa-tam-hong-2025' })) form.append(k, v);
    expect((await post(`/duyet/${sentId}`, form, head)).status).toBe(303);
    const page = await (await get('/nop')).text();
    expect(page).toMatch(/<div class="returned-banner" role="alert" data-period="2026-Q3"><h2>Báo cáo Quý III\/2026 bị trả lại \(Chủ tịch UBND xã Tam Hồng\)<\/h2>\s*<p>Ý kiến của lãnh đạo:<\/p><blockquote class="comment">Số thư công vụ chưa khớp sổ theo dõi của văn phòng, đề nghị kiểm tra lại<\/blockquote>/);
    // The answer page says it too.
    expect(await (await get(`/nop/nhan/${sentId}`)).text()).toContain('data-decision="returned">Lãnh đạo trả lại: Số thư công vụ chưa khớp sổ');
    expect(periodsOf(page)[0]).toEqual(['2026-Q3', 'returned', 'Quý III/2026 Bị trả lại — hãy sửa và gửi lại Hạn nộp: 10/10/2026']);
  });

  it('says on the sign-in page where the code comes from', async () => {
    const page = await (await services.app.request('/login')).text();
    expect(page).toContain('Mã do chuyên viên chuyển đổi số của tỉnh cấp');
    expect(page).toContain('<details class="hint">');
  });

  it('gives a template that says what each count is and the deadline, and takes it back filled', async () => {
    const res = await get('/nop/mau?period=2026-Q4');
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await res.arrayBuffer()) as never);
    const ws = book.getWorksheet('Báo cáo')!;
    expect(ws.getCell(6, 1).value).toBe('Hạn nộp: 10/01/2027');
    const texts: string[] = [];
    ws.eachRow((row) => { const v = row.getCell(2).value; if (typeof v === 'string') texts.push(v); });
    expect(texts.some((t) => /^\(\d+\) Thư công vụ — Tử số: Số cán bộ, công chức sử dụng thư điện tử công vụ; Mẫu số: Tổng số cán bộ, công chức\.$/.test(t)), texts.join(' | ')).toBe(true);
    let filled = 0;
    for (let r = TEMPLATE_HEADER_ROW + 1; ws.getCell(r, 1).value !== null && typeof ws.getCell(r, 1).value === 'number'; r++) {
      const num = ws.getCell(r, 3);
      if (num.note) {
        expect(String(num.note)).toMatch(/^Tử số: /);
        expect(String(ws.getCell(r, 4).note)).toMatch(/^Mẫu số: /);
        num.value = 3;
        ws.getCell(r, 4).value = 4;
        filled++;
      }
    }
    expect(filled).toBeGreaterThan(5);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await book.xlsx.writeBuffer())]), 'tam-hong-quy-IV-2026.xlsx');
    const sent = await post('/nop', form);
    const answer = await (await get(sent.headers.get('location')!)).text();
    expect(answer).toContain('<h1>Đã nhận: tam-hong-quy-IV-2026.xlsx</h1>');
    expect(answer).toContain(`${filled} giá trị của Xã Tam Hồng`);
  });
});

describe('a deadline in working days on the clerk\'s pages', () => {
  it('skips the registry\'s holidays as well as weekends', async () => {
    const { deadlineOf, timelinessText } = await import('../../functions/http/pages/clerkPages.ts');
    const rules = [{ kind: 'rule' as const, frequency: 'quarter' as const, deadlineDays: null, cutoffDay: null, workingDays: 2 }];
    // Quý IV/2026 ends on Thursday 31/12; 1/1/2027 is a holiday, then a weekend: the second working day is Tuesday 5/1.
    expect(deadlineOf(rules, '2026-Q4')).toBe('2027-01-04');
    expect(deadlineOf(rules, '2026-Q4', [{ date: '2027-01-01' }])).toBe('2027-01-05');
    expect(timelinessText(['2026-Q4'], '2027-01-05 09:00', rules, 'vi', [{ date: '2027-01-01' }])).toBe('Quý IV/2026: đúng hạn (hạn nộp 05/01/2027)');
  });
});
