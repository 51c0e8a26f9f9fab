import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { csvBytes } from '../helpers/workbook.ts';

/**
 * A whole quarter through a moved clock (2024-Q3, due 2024-10-10 under the example calendar):
 * reminders three days before the deadline, one day and seven days after it, to the units that
 * have not reported by then, each once, whatever the number of runs.
 */
let dir: string;
let services: QueryServices;
let clock = new Date('2024-09-25T01:00:00Z');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chiso-reminders-'));
  services = await composeQuery({ kind: 'local', dataDir: dir, port: 0, utcOffsetHours: 7 }, { now: () => clock });
});
afterAll(async () => {
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

const report = (unit: string) => csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: Quý III/2024\nSTT,Chỉ tiêu,Tử số,Mẫu số\n1,DOC_ONLINE,9,10\n`);

describe('reminders through a quarter', () => {
  it('go out before and after the deadline to the units still missing, once each', async () => {
    const arrivals: Record<string, string[]> = {
      '2024-10-05': ['Xã Liên Châu'],
      '2024-10-09': ['Xã Đại Tự'],
      '2024-10-11': ['Xã Tề Lỗ'], // arrives before the morning's run: no overdue reminder
      '2024-10-14': ['Xã Hồng Châu'],
    };
    const sentOn: Record<string, string[]> = {};
    for (let day = new Date('2024-09-25T01:00:00Z'); day <= new Date('2024-10-31T01:00:00Z'); day = new Date(day.getTime() + 86_400_000)) {
      clock = day;
      const date = day.toISOString().slice(0, 10);
      for (const unit of arrivals[date] ?? []) expect((await services.ingest({ bytes: report(unit), fileName: `${unit}.csv` })).errors).toEqual([]);
      services.runner.lakeChanged();
      const first = await services.remind();
      const again = await services.remind(); // a second run the same day (or a retried Lambda): nothing twice
      expect(again.sent).toEqual([]);
      expect(again.already).toBe(first.sent.length + first.already);
      if (first.sent.length) sentOn[date] = first.sent.map((r) => r.key);
    }
    expect(Object.keys(sentOn)).toEqual(['2024-10-07', '2024-10-11', '2024-10-17']);
    expect(sentOn['2024-10-07']).toHaveLength(25); // 26 due; Liên Châu has reported
    expect(sentOn['2024-10-07']!.every((k) => k.endsWith('/truoc-3-ngay'))).toBe(true);
    expect(sentOn['2024-10-11']).toHaveLength(23); // and Đại Tự, Tề Lỗ
    expect(sentOn['2024-10-17']).toHaveLength(22); // and Hồng Châu
    expect(sentOn['2024-10-17']).not.toContain('2024-Q3/xa-hong-chau/qua-han-7-ngay');
    expect(sentOn['2024-10-17']).toContain('2024-Q3/cong-an-huyen/qua-han-7-ngay');
    const files = await readdir(join(dir, 'outbox/2024-Q3/xa-nguyet-duc'));
    expect(files.sort()).toEqual(['qua-han-1-ngay.json', 'qua-han-7-ngay.json', 'truoc-3-ngay.json']);
  }, 120_000);

  it('are listed for analysts, in Vietnamese, with where they went', async () => {
    const analyst = await services.tokens.issue({ name: 'analyst', role: 'analyst', unit: null });
    const page = await services.app.request('/q/outbox', { headers: { Authorization: `Bearer ${analyst}` } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Báo cáo chuyển đổi số Quý III/2024 đã quá hạn 7 ngày');
    expect(html).toContain('Nhắc nộp báo cáo chuyển đổi số Quý III/2024 (hạn 10/10/2024)');
    expect(html).toContain('chưa có địa chỉ thư');
    expect((html.match(/<tr data-key=/g) ?? []).length).toBe(25 + 23 + 22);
    const clerk = await services.tokens.issue({ name: 'clerk', role: 'staff', unit: 'xa-lien-chau' });
    expect((await services.app.request('/q/outbox', { headers: { Authorization: `Bearer ${clerk}` } })).status).not.toBe(200);
  });
});
