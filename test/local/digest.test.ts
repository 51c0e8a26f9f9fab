import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { digestEntries } from '../../functions/services/digest.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * Leaders' digests through a played quarter (2024-Q3, due 2024-10-10 under the example
 * calendar) and into the next: each subscriber gets one message per period once its data is in
 * (the deadline passed), whatever the number of runs; none after unsubscribing from the
 * message's own link.
 */
let dir: string;
let services: QueryServices;
let clock = new Date('2024-09-25T01:00:00Z');
let analyst: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-digest-'));
  services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 }, { now: () => clock, publicOrigin: () => 'https://chiso.example.gov.vn' });
  analyst = await services.tokens.issue({ name: 'Chị Lan (Phòng VH-TT)', role: 'analyst', unit: null });
}, 60_000);
afterAll(async () => {
  await services?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const auth = () => ({ Authorization: `Bearer ${analyst}`, 'Content-Type': 'application/json' });
const report = (unit: string, label: string) => csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: ${label}\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,9,10\n`);
const local = (url: string) => { const u = new URL(url); return `${u.pathname}${u.search}`; };

describe('a leader\'s digest', () => {
  it('goes out once per subscriber per period, with three lines of the summary and the link; none after unsubscribing', async () => {
    const made = await services.app.request('/api/links', { method: 'POST', headers: auth(), body: JSON.stringify({ query: 'district_scorecard', params: { period: '2024-Q3' }, expires_in: 200 * 86400 }) });
    expect(made.status).toBe(201);
    const link = (await made.json()) as { id: string; url: string };
    const subscribe = (email: string) => services.app.request(`/api/links/${link.id}/digest`, { method: 'POST', headers: auth(), body: JSON.stringify({ email }) });
    const chair = (await (await subscribe('chu.tich@yenlac.gov.vn')).json()) as { id: string };
    const deputy = (await (await subscribe('pho.chu.tich@yenlac.gov.vn')).json()) as { id: string };
    // A bad address, or another analyst's link, is refused with a reason in both languages.
    const bad = await subscribe('not an address');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message_vi: string } }).error.message_vi).toContain('không phải là địa chỉ thư điện tử');
    expect((await services.app.request('/api/links/no-such-link/digest', { method: 'POST', headers: auth(), body: JSON.stringify({ email: 'a@b.vn' }) })).status).toBe(400);

    const arrivals: Record<string, string[]> = { '2024-10-05': ['Xã Liên Châu'], '2024-10-09': ['Xã Đại Tự'], '2024-10-14': ['Xã Hồng Châu'] };
    const sentOn: Record<string, string[]> = {};
    for (let day = new Date('2024-09-25T01:00:00Z'); day <= new Date('2024-10-20T01:00:00Z'); day = new Date(day.getTime() + 86_400_000)) {
      clock = day;
      const date = day.toISOString().slice(0, 10);
      for (const unit of arrivals[date] ?? []) expect((await services.ingest({ bytes: report(unit, 'Quý III/2024'), fileName: `${unit}.csv` })).errors).toEqual([]);
      services.runner.lakeChanged();
      const first = await services.remind();
      const again = await services.remind();
      expect(again.digests.sent).toEqual([]);
      expect(again.digests.already).toBe(first.digests.sent.length + first.digests.already);
      // In no particular order: subscriptions are listed by their (random) ids.
      if (first.digests.sent.length) sentOn[date] = first.digests.sent.map((e) => `${e.message.to[0]} ${e.period}`).sort();
    }
    // Not before the deadline (units were still due), then once each, the day after it.
    expect(sentOn).toEqual({ '2024-10-11': ['chu.tich@yenlac.gov.vn 2024-Q3', 'pho.chu.tich@yenlac.gov.vn 2024-Q3'].sort() });
    const [message] = await digestEntries(services.store, chair.id);
    expect(message!.message.subject).toBe('Bản tin chuyển đổi số: Bảng điểm chuyển đổi số toàn huyện, Quý III/2024');
    const lines = message!.message.body.split('\n').filter((l) => l.startsWith('• '));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^• Chỉ tiêu đạt: \d+\/\d+/);
    expect(message!.message.body).toContain(`Xem báo cáo: ${link.url}`);
    expect(message!.message.body).not.toMatch(/\d{4}-\d{2}-\d{2}/);

    // The deputy stops it from the message's own link: a GET asks, the POST does it.
    const [deputyMessage] = await digestEntries(services.store, deputy.id);
    const unsubscribeUrl = /Ngừng nhận bản tin này: (\S+)/.exec(deputyMessage!.message.body)![1]!;
    expect(unsubscribeUrl).toMatch(/^https:\/\/chiso\.example\.gov\.vn\/ban-tin\/huy\//);
    const asked = await services.app.request(local(unsubscribeUrl));
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('<form method="post">');
    expect((await services.app.request(local(unsubscribeUrl).replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')), { method: 'POST' })).status).toBe(403);
    const done = await services.app.request(local(unsubscribeUrl), { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Đã ngừng gửi bản tin');

    // The next quarter: after its deadline the chair alone gets 2024-Q4, by a new link to it that opens.
    clock = new Date('2025-01-05T01:00:00Z');
    expect((await services.ingest({ bytes: report('Xã Liên Châu', 'Quý IV/2024'), fileName: 'lien-chau-q4.csv' })).errors).toEqual([]);
    services.runner.lakeChanged();
    expect((await services.remind()).digests.sent).toEqual([]);
    clock = new Date('2025-01-14T01:00:00Z');
    services.runner.lakeChanged();
    const next = await services.remind();
    expect(next.digests.sent.map((e) => `${e.message.to[0]} ${e.period}`)).toEqual(['chu.tich@yenlac.gov.vn 2024-Q4']);
    expect((await services.remind()).digests.sent).toEqual([]);
    const q4 = next.digests.sent[0]!;
    expect(q4.link_url).not.toBe(link.url);
    const page = await services.app.request(local(q4.link_url));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Quý IV/2024');
    expect((await digestEntries(services.store, deputy.id)).map((e) => e.period)).toEqual(['2024-Q3']);
    // The analyst's own page for the link: who gets it and what went out; its form adds an address, a bad one is refused.
    const form = await services.app.request(`/q/links/${link.id}/ban-tin`, { headers: { Authorization: `Bearer ${analyst}` } });
    const html = await form.text();
    expect(html).toMatch(/data-email="chu.tich@yenlac.gov.vn">[^]*?đang nhận · đã gửi: Quý III\/2024, Quý IV\/2024/);
    expect(html).toMatch(/data-email="pho.chu.tich@yenlac.gov.vn">[^]*?đã ngừng nhận/);
    const posted = (email: string) => services.app.request(`/q/links/${link.id}/ban-tin`, { method: 'POST', headers: { Authorization: `Bearer ${analyst}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email }).toString() });
    const refused = await posted('khong-phai-dia-chi');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('không phải là địa chỉ thư điện tử');
    expect((await posted('van.phong@yenlac.gov.vn')).status).toBe(303);
    const listed = (await (await services.app.request('/api/digest', { headers: auth() })).json()) as { email: string; unsubscribed_at: string | null; sent: { period: string }[] }[];
    expect(listed.map((s) => [s.email, s.unsubscribed_at !== null, s.sent.map((x) => x.period)])).toEqual([
      ['chu.tich@yenlac.gov.vn', false, ['2024-Q3', '2024-Q4']],
      ['pho.chu.tich@yenlac.gov.vn', true, ['2024-Q3']],
      ['van.phong@yenlac.gov.vn', false, []],
    ]);
  }, 240_000);
});
