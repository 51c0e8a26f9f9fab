import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Reminder } from '../../domain/cycle/reminders.ts';

/**
 * Reminders by e-mail through SES (v2), from a verified address of the deployment, to the
 * addresses the registry keeps for the unit. A unit without one is left in the outbox only.
 */
export class SesMailer {
  constructor(private readonly ses: SESv2Client, private readonly from: string) {}

  async deliver(reminder: Pick<Reminder, 'to' | 'subject' | 'body'>): Promise<void> {
    if (reminder.to.length === 0) return;
    await this.ses.send(new SendEmailCommand({
      FromEmailAddress: this.from,
      Destination: { ToAddresses: reminder.to },
      Content: { Simple: { Subject: { Data: reminder.subject, Charset: 'UTF-8' }, Body: { Text: { Data: reminder.body, Charset: 'UTF-8' } } } },
    }));
  }
}
