import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { toRows } from '../../functions/http/render.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * One quarter (2024-Q3, due 2024-10-10 in UTC+7) played day by day with approval required:
 * reports arrive on time, late, never, corrected after the deadline, approved and returned;
 * reminders run twice every morning. Expected answers are worked out by hand in the comments.
 */
let dir: string;
let services: QueryServices;
let clock = new Date('2024-09-25T01:00:00Z');
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-quarter-'));
  services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7, initialApproval: true }, { now: () => clock });
  for (const [key, unit] of [['lc', 'xa-lien-chau'], ['dt', 'xa-dai-tu'], ['tl', 'xa-te-lo'], ['th', 'xa-trung-ha']] as const) {
    tokens[key] = await services.tokens.issue({ name: `Chủ tịch ${unit}`, role: 'head', unit });
  }
});
afterAll(async () => {
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

const send = async (name: string, unit: string, num: number) => {
  const r = await services.ingest({ bytes: csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: Quý III/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,${num},100\n`), fileName: `${name}.csv` });
  expect(r.status, name).toBe('accepted');
  ids[name] = r.submission_id;
};
const decide = async (name: string, head: string, decision: 'approved' | 'returned', comment = '') => {
  const form = new FormData();
  form.append('decision', decision);
  form.append('comment', comment);
  const res = await services.app.request(`/duyet/${ids[name]}`, { method: 'POST', headers: { Authorization: `Bearer ${tokens[head]}`, Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' }, body: form });
  expect(res.status, `${name} ${decision}`).toBe(303);
};

/** What happens on each day, before the morning's reminder run (08:00 in Vietnam). */
const DAYS: Record<string, () => Promise<void>> = {
  '2024-10-05': () => send('lc', 'Xã Liên Châu', 80),
  '2024-10-06': () => decide('lc', 'lc', 'approved'),
  '2024-10-08': async () => { await send('tl', 'Xã Tề Lỗ', 70); await decide('tl', 'tl', 'approved'); },
  '2024-10-09': () => send('dt', 'Xã Đại Tự', 60),
  '2024-10-10': () => decide('dt', 'dt', 'returned', 'Thiếu số văn bản đến'),
  '2024-10-12': async () => { await send('dt2', 'Xã Đại Tự', 65); await send('th', 'Xã Trung Hà', 50); }, // Đại Tự corrects; Trung Hà's first, 2 days late
  '2024-10-13': () => decide('dt2', 'dt', 'approved'),
  '2024-10-14': () => decide('th', 'th', 'approved'),
  '2024-10-20': () => send('tl2', 'Xã Tề Lỗ', 72), // a correction after the deadline to an on-time report
  '2024-10-21': () => decide('tl2', 'tl', 'approved'),
};

describe('a reporting quarter', () => {
  it('gives the hand-worked timeliness, values and reminders', async () => {
    const reminders: Record<string, string[]> = {};
    for (let day = new Date('2024-09-25T01:00:00Z'); day <= new Date('2024-10-31T01:00:00Z'); day = new Date(day.getTime() + 86_400_000)) {
      clock = day;
      const date = day.toISOString().slice(0, 10);
      await DAYS[date]?.();
      services.runner.lakeChanged();
      const sent = (await services.remind()).sent.map((r) => r.key);
      expect((await services.remind()).sent).toEqual([]);
      if (sent.length) reminders[date] = sent.sort();
    }
    // A reminder point reached is applied to each unit's state from then on, once per reason and point:
    // 10-07 (3 days before): the 25 units with nothing sent (Liên Châu sent and was approved).
    expect(reminders['2024-10-07']).toHaveLength(25);
    expect(reminders['2024-10-07']!.every((k) => k.endsWith('/truoc-3-ngay'))).toBe(true);
    // Đại Tự's report arrives (its head is told it waits), is returned (its clerk is told), then the deadline passes.
    expect(reminders['2024-10-09']).toEqual(['2024-Q3/xa-dai-tu/chua-duyet-truoc-3-ngay']);
    expect(reminders['2024-10-10']).toEqual(['2024-Q3/xa-dai-tu/tra-lai-truoc-3-ngay']);
    // 10-11 (1 day after): Đại Tự still returned; 23 with nothing (all but Liên Châu, Tề Lỗ, Đại Tự).
    expect(reminders['2024-10-11']!.filter((k) => !k.endsWith('/qua-han-1-ngay') || k.includes('tra-lai'))).toEqual(['2024-Q3/xa-dai-tu/tra-lai-qua-han-1-ngay']);
    expect(reminders['2024-10-11']).toHaveLength(24);
    // 10-12: Đại Tự's correction and Trung Hà's late report wait for their heads.
    expect(reminders['2024-10-12']).toEqual(['2024-Q3/xa-dai-tu/chua-duyet-qua-han-1-ngay', '2024-Q3/xa-trung-ha/chua-duyet-qua-han-1-ngay']);
    // 10-17 (7 days after): 22 with nothing; the four others approved by then.
    expect(reminders['2024-10-17']).toHaveLength(22);
    expect(reminders['2024-10-17']!.every((k) => /\/qua-han-7-ngay$/.test(k) && !k.includes('chua-duyet'))).toBe(true);
    // 10-20: Tề Lỗ's correction waits; approved the next day, nothing more.
    expect(reminders['2024-10-20']).toEqual(['2024-Q3/xa-te-lo/chua-duyet-qua-han-7-ngay']);
    expect(Object.keys(reminders)).toEqual(['2024-10-07', '2024-10-09', '2024-10-10', '2024-10-11', '2024-10-12', '2024-10-17', '2024-10-20']);

    const timeliness = toRows(await services.runner.runSql(
      `SELECT unit, status_code, days_late FROM (${services.queries.get('reporting_timeliness')!.sql.replace(/\/\*[\s\S]*?\*\//, '')}) t WHERE unit IN ('xa-lien-chau', 'xa-dai-tu', 'xa-te-lo', 'xa-trung-ha', 'xa-nguyet-duc') ORDER BY unit`,
      { period: '2024-Q3', as_of: '2024-10-31' },
    ));
    expect(timeliness).toEqual([
      { unit: 'xa-dai-tu', status_code: 'on_time', days_late: 0 }, // first file 10-09; returned and corrected later
      { unit: 'xa-lien-chau', status_code: 'on_time', days_late: 0 },
      { unit: 'xa-nguyet-duc', status_code: 'missing', days_late: 21 },
      { unit: 'xa-te-lo', status_code: 'on_time', days_late: 0 }, // corrected 10-20: still on time
      { unit: 'xa-trung-ha', status_code: 'late', days_late: 2 },
    ]);
    // The values leaders see: the approved ones, the approved corrections included.
    const current = toRows(await services.runner.runSql(`SELECT unit, value FROM kpi_current WHERE period = '2024-Q3' ORDER BY unit`, {}));
    expect(current).toEqual([{ unit: 'xa-dai-tu', value: 65 }, { unit: 'xa-lien-chau', value: 80 }, { unit: 'xa-te-lo', value: 72 }, { unit: 'xa-trung-ha', value: 50 }]);
    const log = toRows(await services.runner.runSql(`SELECT decision, count(*) AS n FROM approvals GROUP BY decision ORDER BY decision`, {}));
    expect(log).toEqual([{ decision: 'approved', n: 5 }, { decision: 'returned', n: 1 }]);
  }, 180_000);
});
