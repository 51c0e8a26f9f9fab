import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SesMailer } from '../../functions/adapters/mail/SesMailer.ts';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { indexCatalog } from '../../functions/domain/ingest/ingestContext.ts';
import { parseCatalog } from '../../functions/domain/registry/catalog.ts';
import { sendDueReminders } from '../../functions/services/reminders.ts';

const catalog = indexCatalog(parseCatalog({
  'units.csv': 'code,name_vi,type,email\nxa-a,Xã A,commune,vanthu@xa-a.gov.vn;chutich@xa-a.gov.vn\nxa-b,Xã B,commune,\n',
  'indicators.csv': 'code,name_vi,measure,direction,default_target,reported_by\nDOC,Văn bản điện tử,percent,higher,80,commune\n',
  'calendar.csv': 'frequency,deadline_days,cutoff_day,period,deadline\nquarter,10,14,,\n',
}));

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'chiso-ses-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('reminders by e-mail through SES', () => {
  it('sends each to the unit\'s addresses in Vietnamese, retries a failed one, never sends twice', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).rejectsOnce(new Error('Throttling: Maximum sending rate exceeded')).resolves({ MessageId: 'm-1' });
    const mailer = new SesMailer(new SESv2Client({ region: 'ap-southeast-1' }), 'chiso@so-khcn.phutho.gov.vn');
    const deps = {
      store: new FsObjectStore(dir), catalog, today: () => '2026-10-07', now: () => new Date('2026-10-07T01:00:00Z'),
      reported: async () => new Map([['2026-Q3', new Set<string>()]]), deliver: (r: Parameters<SesMailer['deliver']>[0]) => mailer.deliver(r),
    };
    const first = await sendDueReminders(deps);
    // Xã A's mail was throttled (kept, to be retried); Xã B has no address: kept in the outbox, nothing sent.
    expect(first.failed.map((r) => r.unit)).toEqual(['xa-a']);
    expect(first.sent.map((r) => r.unit)).toEqual(['xa-b']);
    const second = await sendDueReminders(deps);
    expect(second.sent.map((r) => r.unit)).toEqual(['xa-a']);
    expect(second.already).toBe(1);
    const third = await sendDueReminders(deps);
    expect(third.sent).toEqual([]);
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(2); // the throttled try and its retry; Xã B none
    const input = calls[1]!.args[0].input;
    expect(input.FromEmailAddress).toBe('chiso@so-khcn.phutho.gov.vn');
    expect(input.Destination!.ToAddresses).toEqual(['vanthu@xa-a.gov.vn', 'chutich@xa-a.gov.vn']);
    expect(input.Content!.Simple!.Subject).toEqual({ Data: 'Nhắc nộp báo cáo chuyển đổi số Quý III/2026 (hạn 10/10/2026)', Charset: 'UTF-8' });
    expect(input.Content!.Simple!.Body!.Text!.Data).toContain('Kính gửi Xã A');
    ses.restore();
  });

  it('refuses a malformed address in the registry, naming the line', () => {
    expect(() => parseCatalog({
      'units.csv': 'code,name_vi,type,email\nxa-a,Xã A,commune,vanthu at xa-a\n',
      'indicators.csv': 'code,name_vi,measure,direction,default_target,reported_by\nDOC,Văn bản điện tử,percent,higher,80,commune\n',
    })).toThrow(/units\.csv, dòng 2, cột email: .* e-mail address "vanthu at xa-a" is not valid/);
  });
});
