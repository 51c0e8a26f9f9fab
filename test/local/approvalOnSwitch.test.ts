import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { toRows } from '../../functions/http/render.ts';
import { csvBytes } from '../helpers/workbook.ts';

const local = (dataDir: string) => ({ kind: 'local' as const, dataDir, port: 0, utcOffsetHours: 7 });
const dirs: string[] = [];
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

const report = (period: string, num: number) => csvBytes(`Đơn vị: Xã Liên Châu\nKỳ báo cáo: ${period}\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,${num},100\n`);
const district = csvBytes([
  'Đơn vị,Kỳ báo cáo,Chỉ tiêu,Tử số,Mẫu số',
  'Xã Liên Châu,Quý III/2024,DOC_ONLINE,41,100',
  'Xã Đại Tự,Quý III/2024,DOC_ONLINE,42,100',
].join('\n') + '\n');

/**
 * Every place that says whether a report waits agrees with what leaders see (kpi_current): the
 * head's /duyet, the approval_queue query, unit_submissions and the clerk's history on /nop.
 */
async function views(s: QueryServices, tokens: Record<string, string>) {
  s.runner.lakeChanged();
  const run = async (name: string, params: Record<string, string>) => toRows((await s.runner.run(s.queries.get(name)!, params)).table);
  const published = new Set(toRows(await s.runner.runSql(`SELECT DISTINCT submission_id FROM kpi_current WHERE unit = 'xa-lien-chau'`, {})).map((r) => String(r.submission_id)));
  const queue = await run('approval_queue', { unit: 'xa-lien-chau' });
  const queueWaiting = queue.filter((r) => !r.decided_unit).map((r) => String(r.submission_id));
  const history = await run('unit_submissions', { unit: 'xa-lien-chau', senders: '' });
  const historyWaiting = history.filter((r) => r.decision === null || r.decision === undefined).map((r) => String(r.submission_id));
  const duyet = await (await s.app.request('/duyet', { headers: { Authorization: `Bearer ${tokens.head}` } })).text();
  const cards = [...duyet.matchAll(/<article class="review" data-submission="([^"]+)"/g)].map((m) => m[1]!);
  const nop = await (await s.app.request('/nop', { headers: { Authorization: `Bearer ${tokens.clerk}` } })).text();
  const clerkWaiting = [...nop.matchAll(/<tr data-submission="([^"]+)">(?:(?!<\/tr>).)*?data-decision="pending"/gs)].map((m) => m[1]!);
  const analystQueue = await run('approval_queue', { unit: '' });
  return { published, queue, queueWaiting, history, historyWaiting, duyet, cards, clerkWaiting, analystQueue };
}

describe('approval switched on over a lake: earlier reports approved as of that day, or pending', () => {
  it('with "approved as of that day" nothing earlier waits anywhere; with "pending" everything does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chiso-approval-switch-'));
    dirs.push(dir);
    let clock = new Date('2025-01-20T02:00:00Z');
    const tick = () => { clock = new Date(clock.getTime() + 3_600_000); };
    const s = await composeQuery(local(dir), { now: () => clock });
    try {
      const tokens = {
        head: await s.tokens.issue({ name: 'Chủ tịch Liên Châu', role: 'head', unit: 'xa-lien-chau' }),
        clerk: await s.tokens.issue({ name: 'Văn thư Liên Châu', role: 'staff', unit: 'xa-lien-chau' }),
      };
      const admin = { id: 'admin', name: 'Anh Quản trị' };
      const ids: string[] = [];
      for (const [bytes, name] of [[report('Quý IV/2024', 80), 'q4.csv'], [district, 'huyen.csv']] as const) {
        tick();
        const r = await s.ingest({ bytes, fileName: name });
        expect(r.status).toBe('accepted');
        ids.push(r.submission_id);
      }
      const [earlier, districtId] = ids as [string, string];

      tick();
      await s.settings.setApproval(true, admin);
      tick();
      const later = await s.ingest({ bytes: report('Quý I/2025', 90), fileName: 'q1.csv' });
      expect(later.status).toBe('accepted');

      const on = await views(s, tokens);
      expect([...on.published].sort()).toEqual([earlier, districtId].sort()); // leaders count the earlier ones
      expect(on.queueWaiting).toEqual([later.submission_id]);
      expect(on.historyWaiting).toEqual([later.submission_id]);
      expect(on.cards).toEqual([later.submission_id]);
      expect(on.clerkWaiting).toEqual([later.submission_id]);
      expect(on.duyet).toContain('Chờ duyệt (1)');
      for (const id of [earlier, districtId]) {
        expect(on.queue.find((r) => r.submission_id === id)).toMatchObject({ decided_unit: 'xa-lien-chau', decision: 'approved', approved_on_switch: true, decided_by_name: 'Anh Quản trị' });
        expect(on.history.find((r) => r.submission_id === id)).toMatchObject({ decision: 'approved', approved_on_switch: true });
        expect(on.duyet).toMatch(new RegExp(`<tr data-submission="${id}" data-unit="xa-lien-chau">.*?data-decision="approved" data-on-switch>Đã duyệt \\(khi bật duyệt\\) \\(Anh Quản trị\\)`, 's'));
      }
      // The clerk reads the same: in her history and on the earlier report's own answer page.
      const nop = await (await s.app.request('/nop', { headers: { Authorization: `Bearer ${tokens.clerk}` } })).text();
      expect(nop).toMatch(new RegExp(`<tr data-submission="${earlier}">.*?data-decision="approved">Đã duyệt \\(gửi trước khi bật duyệt\\)`, 's'));
      // Her own unit's file (no sender recorded) is hers to download; the district file, with other units' values, only named.
      expect(nop).toContain(`<a href="/nop/tep/${earlier}">`);
      expect(nop).not.toContain(`<a href="/nop/tep/${districtId}">`);
      expect(nop).toMatch(new RegExp(`<tr data-submission="${districtId}">.*?<span data-shared-file>`, 's'));
      const answer = await (await s.app.request(`/nop/nhan/${earlier}`, { headers: { Authorization: `Bearer ${tokens.clerk}` } })).text();
      expect(answer).toContain('<dd class="approval" data-decision="approved">Đã duyệt (gửi trước khi bật duyệt)</dd>');
      // An analyst's queue of files of several units: each unit of the earlier file approved too.
      expect(on.analystQueue.filter((r) => r.submission_id === districtId).map((r) => [r.decided_unit, r.decision, r.approved_on_switch])).toEqual([
        ['xa-dai-tu', 'approved', true], ['xa-lien-chau', 'approved', true],
      ]);

      tick();
      await s.settings.setApproval(false, admin);
      tick();
      await s.settings.setApproval(true, admin, { earlier: 'pending' });
      const pending = await views(s, tokens);
      expect(pending.published.size).toBe(0);
      const all = [later.submission_id, districtId, earlier];
      expect(pending.queueWaiting).toEqual(all);
      expect(pending.historyWaiting).toEqual(all);
      expect([...pending.cards].sort()).toEqual([...all].sort());
      expect(pending.clerkWaiting).toEqual(all);
      expect(pending.history.every((r) => r.approved_on_switch === false)).toBe(true);
      expect(pending.analystQueue.filter((r) => r.submission_id === districtId).map((r) => r.decided_unit)).toEqual([null]);
    } finally {
      await s.close();
    }
  });
});
