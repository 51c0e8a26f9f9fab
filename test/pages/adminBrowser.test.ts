import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutProblems, seriousViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/browser.ts';
import { screenshot } from '../helpers/screenshots.ts';
import { spawnServer, type RunningServer } from '../helpers/spawnServer.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * A new province from an empty data folder, in chromium against `npm start`: the administrator
 * signs in with the code printed at start, imports a registry of 148 communes and 20 departments
 * through the page (a broken one first: every problem listed, nothing changed), makes every
 * unit's account in one step, downloads the sheets (one page per unit, each QR a working sign-in),
 * a clerk signs in from a sheet and sends a report; the administrator re-issues that clerk's
 * code (the old session and code stop), turns approval on with earlier reports approved as of
 * today (the leaders' ranking is unchanged), rolls the registry back; the audit log has it all.
 */
const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN = 'Quản trị viên / Administrator';
let browser: Browser;
let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-admin-browser-'));
  [browser, server] = await Promise.all([launchChromium(), spawnServer(dir, { CHISO_DEMO: '0' })]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const FIRST = ['An', 'Bình', 'Cẩm', 'Đồng', 'Hạ', 'Hương', 'Khê', 'Lâm', 'Minh', 'Phú', 'Quang', 'Sơn'];
const SECOND = ['Hòa', 'Lộc', 'Thịnh', 'Xuân', 'Tiến', 'Trung', 'Nghĩa', 'Hưng', 'Đức', 'Phong', 'Tân', 'Long', 'Thuận'];
const DEPARTMENTS = ['Sở Nội vụ', 'Sở Tài chính', 'Sở Xây dựng', 'Sở Công Thương', 'Sở Y tế', 'Sở Tư pháp', 'Sở Khoa học và Công nghệ', 'Sở Giáo dục và Đào tạo', 'Sở Nông nghiệp và Môi trường', 'Sở Văn hóa, Thể thao và Du lịch',
  'Sở Dân tộc và Tôn giáo', 'Thanh tra tỉnh', 'Văn phòng UBND tỉnh', 'Ban Quản lý các khu công nghiệp', 'Đài Phát thanh và Truyền hình', 'Trung tâm Phục vụ hành chính công', 'Sở Ngoại vụ', 'Sở Lao động', 'Ban Dân tộc', 'Trung tâm Chuyển đổi số'];

/** A province's registry folder: 148 communes and 20 departments, with the shipped indicators, framework and calendar. */
async function registryFiles(rename?: [number, string]) {
  const communes = Array.from({ length: 148 }, (_, i) => {
    const name = rename && rename[0] === i ? rename[1] : `Xã ${FIRST[i % 12]} ${SECOND[Math.floor(i / 12)]}`;
    return `xa-${String(i + 1).padStart(3, '0')},${name},${name.replace('Xã', 'Commune')},commune,,,,`;
  });
  const departments = DEPARTMENTS.map((name, i) => `so-${String(i + 1).padStart(2, '0')},"${name}","${name}",department,,,,`);
  const units = `code,name_vi,name_en,type,aliases,ranked,not_ranked_reason,national_code\n${[...departments, ...communes].join('\n')}\n`;
  const shipped = async (name: string) => ({ name, mimeType: 'text/csv', buffer: await readFile(join(root, 'schemas', name)) });
  return [
    { name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(units) },
    await shipped('indicators.csv'), await shipped('framework.csv'), await shipped('calendar.csv'), await shipped('ranking-groups.csv'),
  ];
}

async function expectUsable(page: Page) {
  expect(await seriousViolations(page), page.url()).toEqual([]);
  expect(await layoutProblems(page, { checkTargets: false }), page.url()).toEqual([]);
}

const ranking = async () => {
  const r = await fetch(`${server.base}/api/queries/dti_ranking?period=2026-Q3&format=json`, { headers: { Authorization: `Bearer ${server.token}` } });
  expect(r.status).toBe(200);
  return (await r.json()) as { unit: string; total_points: number | null; rank: number | null }[];
};

describe('a new province, set up and run in the browser', () => {
  it('imports its registry, makes every account with sheets, re-issues a code, switches approval on, rolls back: all in the audit log', async () => {
    const adminCode = /admin code: (\S+)/.exec(server.output())?.[1];
    expect(adminCode).toMatch(/^chiso_admin_/);
    const admin = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });

    // Sign in with the code printed at start: the administrator lands on /quan-tri.
    await admin.goto(`${server.base}/login`);
    await admin.fill('input[name=token]', adminCode!);
    await admin.click('form.login button[type=submit]');
    await admin.waitForURL(`${server.base}/quan-tri`);
    await expectUsable(admin);

    // A broken registry first: every problem by file, line and column; nothing changes.
    await admin.goto(`${server.base}/quan-tri/danh-muc`);
    const before = await admin.locator('main > p').first().innerText();
    const broken = `code,name_vi,name_en,type,aliases,ranked,not_ranked_reason,national_code\nxa-001,Xã Một,One,commune,,,,\nxa-001,Xã Hai,Two,commune,,,,\nxa-003,Xã Ba,Three,village,,,,\n`;
    await admin.setInputFiles('input[name=files]', [{ name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(broken) }, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('x') }]);
    await admin.click('form[enctype="multipart/form-data"] button');
    await admin.waitForSelector('table.problems');
    const problems = await admin.locator('table.problems tbody tr').allInnerTexts();
    expect(problems.length).toBeGreaterThanOrEqual(4);
    expect(problems.some((p) => p.includes('units.csv') && p.includes('3') && p.includes('code'))).toBe(true); // the duplicate, line 3
    expect(problems.some((p) => p.includes('units.csv') && p.includes('4') && p.includes('type'))).toBe(true); // the unknown type, line 4
    expect(problems.some((p) => p.includes('indicators.csv'))).toBe(true); // missing
    expect(problems.some((p) => p.includes('notes.txt'))).toBe(true); // not a registry file
    await screenshot(admin, 'admin-registry-problems', { keep: true });
    await admin.goto(`${server.base}/quan-tri/danh-muc`);
    expect(await admin.locator('main > p').first().innerText()).toBe(before);
    expect(await admin.locator('table.versions').count()).toBe(0);

    // The province's registry: a preview of what changes, then confirmed.
    await admin.setInputFiles('input[name=files]', await registryFiles());
    await admin.click('form[enctype="multipart/form-data"] button');
    await admin.waitForSelector('ul.changes');
    expect(await admin.locator('h2').first().innerText()).toBe('Đơn vị thêm mới (168)');
    await expectUsable(admin);
    await admin.click('form[action="/quan-tri/danh-muc/xac-nhan"] button');
    await admin.waitForURL(/\/quan-tri\/danh-muc\?xong=nhap/);
    expect(await admin.locator('main > p').nth(1).innerText()).toContain('168 đơn vị');
    const v1 = (await admin.locator('table.versions tbody tr').first().getAttribute('data-version'))!;
    expect(await admin.locator('table.versions tbody tr').first().innerText()).toContain(ADMIN);

    // Every unit's account in one step; the codes once, the sheets and the e-mail list from them.
    await admin.goto(`${server.base}/quan-tri/tai-khoan`);
    await admin.click('form[action="/quan-tri/tai-khoan/tat-ca"] button');
    await admin.waitForSelector('table.codes');
    expect(await admin.locator('table.codes tbody tr').count()).toBe(168);
    const download = admin.waitForEvent('download');
    await admin.click('form[action="/quan-tri/tai-khoan/phieu.pdf"] button');
    const pdf = join(dir, 'sheets.pdf');
    await (await download).saveAs(pdf);
    const info = (await run('pdfinfo', [pdf])).stdout;
    expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBe(168);
    const csvDownload = admin.waitForEvent('download');
    await admin.click('form[action="/quan-tri/tai-khoan/email.csv"] button');
    const csv = await readFile((await (await csvDownload).path())!, 'utf8');
    expect(csv.trim().split('\r\n')).toHaveLength(169);

    // The last page's QR (a commune: ranked below) decodes to a sign-in: the clerk of that page's unit.
    await run('pdftoppm', ['-f', '168', '-l', '168', '-r', '110', '-png', pdf, join(dir, 'sheet')]);
    const png = join(dir, (await run('ls', [dir])).stdout.split('\n').find((f) => f.startsWith('sheet-') && f.endsWith('.png'))!);
    const url = (await run('zbarimg', ['-q', '--raw', png])).stdout.trim();
    expect(url.startsWith(`${server.base}/login?ma=chiso_staff_`)).toBe(true);
    const unitLine = /Đơn vị: (.+) \((\S+)\)/.exec((await run('pdftotext', ['-f', '168', '-l', '168', pdf, '-'])).stdout)!;
    const [, unitName, unitCode] = unitLine;
    expect(unitCode).toMatch(/^xa-\d{3}$/);
    const clerk = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await clerk.goto(url);
    await clerk.click('form.login button[type=submit]');
    await clerk.waitForURL(`${server.base}/nop`);
    await clerk.setInputFiles('input[name=file]', { name: 'bao-cao.csv', mimeType: 'text/csv', buffer: Buffer.from(csvBytes(`Đơn vị: ${unitName}\nKỳ báo cáo: Quý III/2026\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,9000,10000\n2,ONLINE_MEETINGS,30,40\n`)) });
    await clerk.click('form[enctype="multipart/form-data"] button');
    await clerk.waitForURL(/\/nop\/nhan\/[^/?]+$/);
    expect(await clerk.locator('h1').innerText()).toBe('Đã nhận: bao-cao.csv');
    const ranked = await ranking();
    expect(ranked.find((r) => r.unit === unitCode)?.total_points).toBeGreaterThan(0);

    // Its code re-issued: the clerk's open session and old code stop at once.
    await admin.goto(`${server.base}/quan-tri/tai-khoan`);
    await screenshot(admin, 'admin-accounts', { keep: true, fullPage: false });
    await expectUsable(admin);
    const row = admin.locator('section.admin-group', { hasText: unitName! }).locator('tr[data-account]');
    await row.locator('form[action$="/cap-lai"] button').click();
    await admin.waitForSelector('table.codes');
    const fresh = await admin.locator('table.codes code.code').innerText();
    await clerk.goto(`${server.base}/nop`);
    expect(clerk.url()).toMatch(/\/login\?next=%2Fnop$/);
    // She is told her session ended and why, not left at a bare sign-in page.
    expect(await clerk.locator('[role=alert]').innerText()).toMatch(/^Phiên làm việc trước của bạn đã kết thúc: mã truy cập đã bị thu hồi/);
    const oldCode = new URL(url).searchParams.get('ma')!;
    await clerk.goto(`${server.base}/login`);
    await clerk.fill('input[name=token]', oldCode);
    await clerk.click('form.login button[type=submit]');
    expect(await clerk.locator('[role=alert]').innerText()).toContain('thu hồi');
    await clerk.fill('input[name=token]', fresh);
    await clerk.click('form.login button[type=submit]');
    await clerk.waitForURL(`${server.base}/nop`);

    // Approval on, earlier reports approved as of today: the leaders' ranking is unchanged.
    await admin.goto(`${server.base}/quan-tri/cai-dat`);
    await admin.check('input[name=required][value=on]');
    await admin.check('input[name=earlier][value=published]');
    await admin.click('form[action="/quan-tri/cai-dat/duyet"] button');
    await admin.waitForURL(/\/quan-tri\/cai-dat\?xong=cai-dat/);
    expect(await admin.locator('table.history tbody tr').first().innerText()).toContain(ADMIN);
    await screenshot(admin, 'admin-settings', { keep: true });
    await expectUsable(admin);
    expect(await ranking()).toEqual(ranked);

    // A second version (a commune renamed), then rolled back to the first.
    await admin.goto(`${server.base}/quan-tri/danh-muc`);
    await admin.setInputFiles('input[name=files]', await registryFiles([0, 'Xã Hùng Vương']));
    await admin.click('form[enctype="multipart/form-data"] button');
    await admin.waitForSelector('ul.changes');
    expect(await admin.locator('ul.changes').allInnerTexts()).toContainEqual(expect.stringContaining('Xã An Hòa → Xã Hùng Vương (xa-001)'));
    await admin.click('form[action="/quan-tri/danh-muc/xac-nhan"] button');
    await admin.waitForURL(/\?xong=nhap/);
    await admin.locator(`tr[data-version="${v1}"] form button`).click();
    await admin.waitForURL(/\?xong=quay-lai/);
    expect(await admin.locator(`tr[data-version="${v1}"]`).innerText()).toContain('đang dùng');
    await screenshot(admin, 'admin-registry', { keep: true });
    // The first version's names are back: the accounts are listed under them.
    await admin.goto(`${server.base}/quan-tri/tai-khoan`);
    const titles = await admin.locator('section.admin-group h3').allInnerTexts();
    expect(titles).toContain('Xã An Hòa');
    expect(titles).not.toContain('Xã Hùng Vương');

    // A leader's link revoked by the administrator: it opens nothing from then on.
    const made = await fetch(`${server.base}/api/links`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ query: 'dti_ranking', params: { period: '2026-Q3' }, expires_in: 86400 }) });
    expect(made.status).toBe(201);
    const link = (await made.json()) as { id: string; url: string };
    const linkPath = new URL(link.url).pathname;
    expect((await fetch(`${server.base}${linkPath}`)).status).toBe(200);
    await admin.goto(`${server.base}/quan-tri/lien-ket`);
    // The link said as a person reads it: the report's title and its period, never "dti_ranking | period=2026-Q3".
    const linkRow = await admin.locator(`table.links-admin tr[data-link="${link.id}"]`).innerText();
    expect(linkRow).toContain('Xếp hạng chỉ số chuyển đổi số (DTI)');
    expect(linkRow).toContain('Quý III/2026');
    expect(linkRow).not.toMatch(/dti_ranking|period=/);
    await admin.locator(`table.links-admin tr[data-link="${link.id}"] form button`).click();
    await admin.waitForURL(/\?xong=thu-hoi/);
    expect((await fetch(`${server.base}${linkPath}`)).status).not.toBe(200);

    // Every action, who and when, in the audit log.
    await admin.goto(`${server.base}/quan-tri/nhat-ky`);
    const actions = await admin.locator('table.audit tbody tr').evaluateAll((rows) => rows.map((r) => ({ action: r.getAttribute('data-action'), text: (r as HTMLElement).innerText })));
    expect(actions.map((a) => a.action).reverse()).toEqual(['account.create', 'registry.import', 'accounts.bulk', 'account.reissue', 'setting.change', 'registry.import', 'registry.rollback', 'link.revoke']);
    for (const a of actions.slice(0, -1)) {
      expect(a.text).toContain(ADMIN);
      expect(a.text).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
      expect(a.text).toContain('127.0.0.1');
    }
    // In Vietnamese: what each object is (the clerk's name and unit, the setting's name), counts in words, no English and no ids.
    const said = (action: string) => actions.filter((a) => a.action === action).map((a) => a.text).join('\n');
    expect(said('accounts.bulk')).toMatch(/\d+ cán bộ, 0 lãnh đạo \(\d+ đơn vị\)/);
    expect(said('account.reissue')).toContain(unitName!);
    expect(said('account.reissue')).toContain('Cán bộ nhập báo cáo');
    expect(said('setting.change')).toContain('Duyệt báo cáo');
    expect(said('setting.change')).toContain('coi như đã duyệt đến hôm nay');
    expect(said('registry.import')).toMatch(/Danh mục nhập lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    const shown = actions.map((a) => a.text).join('\n');
    expect(shown).not.toMatch(/\bunits\b|\bstaff\b|approval_required|approved as of today|\d{8}T\d{6}Z/);
    await screenshot(admin, 'admin-audit', { keep: true });
    await expectUsable(admin);
    // Every administrator's page on a 360 px phone: no serious axe finding, no small target or text, no sideways scroll.
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await phone.goto(`${server.base}/login`);
    await phone.fill('input[name=token]', adminCode!);
    await phone.click('form.login button[type=submit]');
    await phone.waitForURL(`${server.base}/quan-tri`);
    for (const path of ['/quan-tri', '/quan-tri/tai-khoan', '/quan-tri/danh-muc', '/quan-tri/cai-dat', '/quan-tri/lien-ket', '/quan-tri/nhat-ky', '/quan-tri/cai-dat?lang=en']) {
      await phone.goto(`${server.base}${path}`);
      expect(await seriousViolations(phone), path).toEqual([]);
      expect(await layoutProblems(phone, { checkTargets: true }), path).toEqual([]);
    }
    await phone.close();
    await clerk.close();
    await admin.close();
  }, 400_000);
});
