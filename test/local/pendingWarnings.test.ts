import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { notShareable, tablesRead } from '../../functions/domain/access/machineScope.ts';
import { audienceAdmits, openToLeaders } from '../../functions/domain/queries/savedQueries.ts';
import { composeQuery } from '../../functions/runtimes/compose.ts';
import { toRows } from '../../functions/http/render.ts';
import { recordExplanation } from '../../functions/services/explanations.ts';
import { csvBytes } from '../helpers/workbook.ts';

const dirs: string[] = [];
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

const SHARES = ['DOC_ONLINE', 'STAFF_DIGITAL_ID', 'PROCEDURES_LEVEL34', 'DOSSIERS_ONLINE', 'DOSSIERS_ONE_STOP', 'OFFICIAL_EMAIL'];
/** Xã Liên Châu's report: every share num/100. */
const report = (period: string, num: number) => csvBytes(`Đơn vị: Xã Liên Châu\nKỳ báo cáo: ${period}\nSTT,Chỉ tiêu,Tử số,Mẫu số\n${SHARES.map((c, i) => `${i + 1},${c},${num},100`).join('\n')}\n`);
const SAME = ['unit', 'indicator_code', 'kind', 'message', 'message_en', 'value', 'reference', 'source_file', 'explanation'];
const pick = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(SAME.map((k) => [k, r[k]])));

describe('quality warnings of a report waiting for approval', () => {
  it('are shown to the head deciding it (with the unit\'s explanation), never to leaders, and are the warnings leaders get once approved', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chiso-pending-warnings-'));
    dirs.push(dir);
    let clock = new Date('2025-04-20T02:00:00Z');
    const tick = () => { clock = new Date(clock.getTime() + 60_000); };
    const s = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7, initialApproval: true }, { now: () => clock });
    try {
      const head = await s.tokens.issue({ name: 'Chủ tịch Liên Châu', role: 'head', unit: 'xa-lien-chau' });
      const clerk = await s.tokens.issue({ name: 'Văn thư Liên Châu', role: 'staff', unit: 'xa-lien-chau' });
      const headers = { Authorization: `Bearer ${head}`, Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' };
      const approve = async (id: string) => {
        tick();
        const form = new FormData();
        form.append('decision', 'approved');
        expect((await s.app.request(`/duyet/${id}`, { method: 'POST', headers, body: form })).status).toBe(303);
      };
      const run = async (name: string, params: Record<string, string>) => {
        s.runner.lakeChanged();
        return toRows((await s.runner.run(s.queries.get(name)!, params)).table);
      };
      tick();
      const before = await s.ingest({ bytes: report('Quý IV/2024', 80), fileName: 'q4.csv' });
      await approve(before.submission_id);
      tick();
      const now = await s.ingest({ bytes: report('Quý I/2025', 0), fileName: 'q1.csv' });
      expect(now.status).toBe('accepted');

      // Leaders' warnings read approved values only: nothing yet.
      expect((await run('quality_warnings', { period: '2025-Q1' })).filter((r) => r.unit === 'xa-lien-chau')).toEqual([]);
      const waiting = await run('pending_warnings', { period: '2025-Q1', unit: 'xa-lien-chau' });
      expect(waiting.filter((r) => r.kind === 'jump').map((r) => [r.indicator_code, r.value, r.reference, r.pending, r.submission_id]).sort())
        .toEqual(SHARES.map((c) => [c, 0, 80, true, now.submission_id]).sort());
      expect(waiting.find((r) => r.kind === 'extremes')).toMatchObject({ pending: true, submission_id: null });
      // The clerk sees them on her answer page while the report waits, to explain before the head decides.
      const clerkAnswer = await (await s.app.request(`/nop/nhan/${now.submission_id}`, { headers: { Authorization: `Bearer ${clerk}` } })).text();
      expect((clerkAnswer.match(/<li data-kind="jump"/g) ?? []).length).toBe(SHARES.length);

      tick();
      await recordExplanation(s.store, { unit: 'xa-lien-chau', period: '2025-Q1', indicator_code: 'DOC_ONLINE', kind: 'jump', explanation: 'Phần mềm ngừng hoạt động cả quý', explained_by: 'clerk' }, clock);
      s.runner.lakeChanged(); // as the clerk's form does after recording
      const page = await (await s.app.request('/duyet', { headers })).text();
      const card = page.slice(page.indexOf(`<article class="review" data-submission="${now.submission_id}"`));
      expect(card).toMatch(/<section class="warnings">/);
      expect(card).toMatch(/<li data-kind="jump" data-indicator="DOC_ONLINE"><b>[^<]+<\/b> \(Quý I\/2025\): Tỷ lệ giảm từ 80% xuống 0% so với kỳ trước\s*<p class="explained">Giải trình của đơn vị: Phần mềm ngừng hoạt động cả quý<\/p>/);
      expect((card.match(/<li data-kind="jump"/g) ?? []).length).toBe(SHARES.length);

      // Never for leaders nor a machine account: the query is for analysts by name and reads pending rows.
      const query = s.queries.get('pending_warnings')!;
      expect(openToLeaders(query, s.queries)).toBe(false);
      expect(['staff', 'head', 'machine'].map((role) => audienceAdmits(query, role as 'staff'))).toEqual([false, false, false]);
      expect(notShareable(query)?.code).toBe('QUERY_NOT_SHAREABLE');
      expect(tablesRead(query.sql)).toContain('kpi_pending');

      // Approved: leaders get the very warnings the head saw, and nothing waits any more.
      const shown = await run('pending_warnings', { period: '2025-Q1', unit: 'xa-lien-chau' });
      await approve(now.submission_id);
      const published = (await run('quality_warnings', { period: '2025-Q1' })).filter((r) => r.unit === 'xa-lien-chau');
      expect(published.length).toBe(SHARES.length + 1);
      expect(pick(published)).toEqual(pick(shown));
      const after = await run('pending_warnings', { period: '2025-Q1', unit: 'xa-lien-chau' });
      expect(pick(after)).toEqual(pick(published));
      expect(after.every((r) => r.pending === false)).toBe(true);
    } finally {
      await s.close();
    }
  });
});
