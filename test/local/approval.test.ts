import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { csvBytes } from '../helpers/workbook.ts';

/** A deployment that asks a unit's head to approve each accepted report before leaders see it. */
let dir: string;
let services: QueryServices;
let clock = new Date('2025-01-20T02:00:00Z');
const tokens: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-approval-'));
  services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7, initialApproval: true }, { now: () => clock });
  tokens.analyst = await services.tokens.issue({ name: 'Chị Lan', role: 'analyst', unit: null });
  tokens.clerk = await services.tokens.issue({ name: 'Văn thư Liên Châu', role: 'staff', unit: 'xa-lien-chau' });
  tokens.head = await services.tokens.issue({ name: 'Chủ tịch Liên Châu', role: 'head', unit: 'xa-lien-chau' });
  tokens.otherHead = await services.tokens.issue({ name: 'Chủ tịch Đại Tự', role: 'head', unit: 'xa-dai-tu' });
});
afterAll(async () => {
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
const get = (path: string, who?: string) => services.app.request(path, { headers: who ? auth(who) : {} });
const decide = (id: string, who: string, decision: string, comment = '') => {
  const form = new FormData();
  form.append('decision', decision);
  form.append('comment', comment);
  return services.app.request(`/duyet/${id}`, { method: 'POST', headers: { ...auth(who), Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' }, body: form });
};
const send = async (num: number) => {
  clock = new Date(clock.getTime() + 3_600_000);
  const r = await services.ingest({ bytes: csvBytes(`Đơn vị: Xã Liên Châu\nKỳ báo cáo: Quý IV/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,${num},100\n`), fileName: `lc-${num}.csv`, submittedBy: 'clerk' });
  expect(r.status).toBe('accepted');
  services.runner.lakeChanged();
  return r.submission_id;
};
const apiValue = async () => {
  services.runner.lakeChanged();
  const rows = (await (await get('/api/queries/unit_report?unit=xa-lien-chau&period=2024-Q4', 'analyst')).json()) as { indicator_code: string; value: number | null }[];
  return rows.find((r) => r.indicator_code === 'DOC_ONLINE')!.value;
};
const leaderCell = async () => {
  const link = (await (await services.app.request('/api/links', { method: 'POST', headers: { ...auth('analyst'), 'Content-Type': 'application/json' }, body: JSON.stringify({ query: 'district_scorecard', params: { period: '2024-Q4' }, expires_in: 86400 }) })).json()) as { url: string };
  const page = await (await services.app.request(new URL(link.url).pathname)).text();
  return /<tr data-unit="xa-lien-chau">.*?data-indicator="DOC_ONLINE"[^>]*>([^<]*)</s.exec(page)![1]!.trim();
};

describe('approval by the unit\'s head', () => {
  it('keeps unapproved values from leaders and rankings, shows them to analysts marked, and records every decision', async () => {
    const first = await send(90);
    expect(await apiValue()).toBeNull(); // waiting: not current
    // 2024-Q4 was due 2025-01-10: the head is reminded to approve, the other units to report.
    const pendingReminders = (await services.remind()).sent.map((r) => r.key);
    expect(pendingReminders).toContain('2024-Q4/xa-lien-chau/chua-duyet-qua-han-7-ngay');
    expect(pendingReminders).toContain('2024-Q4/xa-dai-tu/qua-han-7-ngay');
    expect(pendingReminders).not.toContain('2024-Q4/xa-lien-chau/qua-han-7-ngay');
    expect(await leaderCell()).toBe('–');
    const analystPage = await (await get('/q/district_scorecard?period=2024-Q4', 'analyst')).text();
    expect(analystPage).toMatch(/data-indicator="DOC_ONLINE" data-pending="90"[^>]*>.*?<span class="pending-mark">chưa duyệt: 90<\/span>/s);

    // Only this unit's head decides.
    expect((await decide(first, 'otherHead', 'approved')).status).toBe(404);
    expect((await decide(first, 'clerk', 'approved')).status).toBe(403);
    const noReason = await decide(first, 'head', 'returned');
    expect(noReason.status).toBe(400); // a return needs a reason: said in the page's language alone
    const said = await noReason.text();
    expect(said).toContain('Trả lại cần ghi lý do.');
    expect(said).not.toContain('a return needs a reason');
    const list = await (await get('/duyet', 'head')).text();
    expect(list).toContain('lc-90.csv');
    // Waiting, with its values beside the previous period's, and the two decisions apart.
    expect(list).toMatch(new RegExp(`<article class="review" data-submission="${first}" data-unit="xa-lien-chau">.*?data-indicator="DOC_ONLINE"><td[^>]*>[^<]+</td><td class="num"[^>]*>90</td>.*?value="approved".*?value="returned"`, 's'));

    clock = new Date(clock.getTime() + 3_600_000);
    const approved = await decide(first, 'head', 'approved', 'Đồng ý');
    expect(approved.status).toBe(303);
    // Told at once what was decided, and the list already shows it.
    const after = await (await get(approved.headers.get('location')!, 'head')).text();
    expect(after).toContain('<p class="confirm" role="status">Đã duyệt: lc-90.csv.</p>');
    expect(after).toMatch(new RegExp(`<tr data-submission="${first}" data-unit="xa-lien-chau">.*?data-decision="approved">Đã duyệt — Đồng ý`, 's'));
    expect(await apiValue()).toBe(90);
    expect(await leaderCell()).toBe('90');

    // A correction waits in turn: leaders keep the approved 90; returned, it stays out.
    const second = await send(95);
    expect(await apiValue()).toBe(90);
    clock = new Date(clock.getTime() + 3_600_000);
    expect((await decide(second, 'head', 'returned', 'Số liệu chưa khớp sổ theo dõi')).status).toBe(303);
    expect(await apiValue()).toBe(90);
    expect(await (await get('/q/district_scorecard?period=2024-Q4', 'analyst')).text()).toContain('<span class="pending-mark">bị trả lại: 95</span>');
    expect(await (await get('/nop', 'clerk')).text()).toContain('Lãnh đạo trả lại: Số liệu chưa khớp sổ theo dõi');
    // The clerk is reminded to send it again, once.
    const returned = await services.remind();
    expect(returned.sent.map((r) => [r.key, r.subject])).toEqual([['2024-Q4/xa-lien-chau/tra-lai-qua-han-7-ngay', 'Báo cáo chuyển đổi số Quý IV/2024 bị trả lại, cần gửi lại']]);
    expect((await services.remind()).sent).toEqual([]);

    const log = (await (await get('/api/queries/approval_log?from=2025-01-01&to=2025-01-31', 'analyst')).json()) as Record<string, unknown>[];
    expect(log.map((r) => [r.decision, r.decided_by_name, r.submission_id, r.source_file, r.comment])).toEqual([
      ['returned', 'Chủ tịch Liên Châu', second, 'lc-95.csv', 'Số liệu chưa khớp sổ theo dõi'],
      ['approved', 'Chủ tịch Liên Châu', first, 'lc-90.csv', 'Đồng ý'],
    ]);
    // Rankings read the approved values only.
    const ranking = (await (await get('/api/queries/unit_ranking?period=2024-Q4', 'analyst')).json()) as { unit: string; indicators_reported: number }[];
    expect(ranking.find((r) => r.unit === 'xa-lien-chau')!.indicators_reported).toBe(1);
  });
});
