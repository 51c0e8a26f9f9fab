import { reminderPeriods, remindersDue, type Reminder } from '../domain/cycle/reminders.ts';
import type { CatalogIndex } from '../domain/ingest/ingestContext.ts';
import { lakeKeys } from '../domain/lakeKeys.ts';
import { ObjectExistsError, type ObjectStore } from '../ports/ObjectStore.ts';
import type { QueryRunner } from './savedQueryRunner.ts';

/** Delivers one reminder (SES on AWS; locally the outbox folder is the delivery). */
export type Deliver = (reminder: Reminder) => Promise<void>;

export interface OutboxEntry {
  reminder: Reminder;
  claimed_at: string;
  delivered_at: string | null;
  error: string | null;
}

/**
 * Sends the reminders due today, each once: its outbox object is written only if absent (the
 * claim), then delivered, then marked delivered. Two runs at once, or a second run the same day,
 * send nothing twice; a delivery that failed is tried again at the next run.
 */
export async function sendDueReminders(deps: {
  store: ObjectStore;
  catalog: CatalogIndex;
  today: () => string;
  now: () => Date;
  /** The units with an accepted report for each of these periods. */
  reported: (periods: string[]) => Promise<Map<string, Set<string>>>;
  /** While approval is required: the units whose report waits for their head, or was returned. */
  waiting?: (periods: string[]) => Promise<Map<string, Map<string, 'pending' | 'returned'>>>;
  deliver: Deliver;
}): Promise<{ sent: Reminder[]; failed: Reminder[]; already: number }> {
  const today = deps.today();
  // The periods a reminder could be about: those with a reminder point reached and not yet stale.
  const periods = reminderPeriods(today, deps.catalog.catalog).map((p) => p.period);
  const reported = await deps.reported(periods);
  const due = remindersDue(today, deps.catalog.catalog, reported, deps.waiting ? await deps.waiting(periods) : new Map());
  const sent: Reminder[] = [];
  const failed: Reminder[] = [];
  let already = 0;
  for (const reminder of due) {
    const key = lakeKeys.outbox(reminder.key);
    const entry: OutboxEntry = { reminder, claimed_at: deps.now().toISOString(), delivered_at: null, error: null };
    try {
      await deps.store.put(key, JSON.stringify(entry, null, 2), { ifAbsent: true });
    } catch (error) {
      if (!(error instanceof ObjectExistsError)) throw error;
      const kept = JSON.parse(Buffer.from((await deps.store.get(key))!).toString('utf8')) as OutboxEntry;
      if (kept.delivered_at || !kept.error) { already++; continue; }
    }
    try {
      await deps.deliver(reminder);
      await deps.store.put(key, JSON.stringify({ ...entry, delivered_at: deps.now().toISOString() }, null, 2));
      sent.push(reminder);
    } catch (error) {
      await deps.store.put(key, JSON.stringify({ ...entry, error: (error as Error).message }, null, 2));
      failed.push(reminder);
    }
  }
  return { sent, failed, already };
}

/** The outbox, newest first: what the reminders page lists. */
export async function outboxEntries(store: ObjectStore): Promise<OutboxEntry[]> {
  const entries: OutboxEntry[] = [];
  for await (const o of store.list(lakeKeys.outboxPrefix)) {
    const bytes = await store.get(o.key);
    if (bytes) entries.push(JSON.parse(Buffer.from(bytes).toString('utf8')) as OutboxEntry);
  }
  return entries.sort((a, b) => b.claimed_at.localeCompare(a.claimed_at) || a.reminder.key.localeCompare(b.reminder.key));
}

/** What the reminders are decided from, read over the current lake: one query per period. */
export function reminderFacts(runner: Pick<QueryRunner, 'runSql'>) {
  const perPeriod = async <T>(periods: string[], sql: string, read: (column: (name: string) => string[]) => T) => new Map(await Promise.all(
    periods.map(async (period) => {
      const table = await runner.runSql(sql, { period });
      return [period, read((name) => Array.from(table.getChild(name) ?? [], String))] as const;
    }),
  ));
  return {
    // Sent an acceptable report, approved or not (kpi_current and first_received hold published values only).
    reported: (periods: string[]) => perPeriod(periods, 'SELECT DISTINCT unit FROM kpi_accepted WHERE period = :period AND assessment IS NULL',
      (column) => new Set(column('unit'))),
    // 'returned' sorts after 'pending': a unit with any returned value is told so.
    waiting: (periods: string[]) => perPeriod(periods, 'SELECT unit, max(approval) AS state FROM kpi_pending WHERE period = :period GROUP BY unit', (column) => {
      const states = column('state') as ('pending' | 'returned')[];
      return new Map(column('unit').map((unit, i) => [unit, states[i]!]));
    }),
  };
}
