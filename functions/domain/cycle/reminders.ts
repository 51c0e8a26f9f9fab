import { dayNumber } from '../dates.ts';
import { periodDeadlines, type CalendarPeriod } from '../registry/calendar.ts';
import { periodLabelVi, periodRows } from '../registry/periods.ts';
import type { Catalog } from '../types.ts';

/** When units are reminded: days before the deadline, and days after it while still missing. */
export const REMINDER_POINTS = [
  { label: 'truoc-3-ngay', offset: -3 },
  { label: 'qua-han-1-ngay', offset: 1 },
  { label: 'qua-han-7-ngay', offset: 7 },
] as const;

/** Why a unit is reminded: nothing sent yet, its report returned by its head, or not yet approved. */
export type ReminderReason = 'missing' | 'returned' | 'unapproved';

export interface Reminder {
  /** One per unit, period, reason and point: what makes a reminder go out once. */
  key: string;
  reason: ReminderReason;
  unit: string;
  unit_name: string;
  period: string;
  deadline: string;
  point: (typeof REMINDER_POINTS)[number]['label'];
  to: string[];
  subject: string;
  body: string;
}

const viDate = (date: string) => `${Number(date.slice(8))}/${Number(date.slice(5, 7))}/${date.slice(0, 4)}`;
const SIGNATURE = '\n\nTin nhắn tự động của hệ thống chiso.';

/**
 * The periods a reminder is due for today, with the latest reminder point reached: a point missed
 * while the system was down is not sent late (the next one is), and nothing after the last point
 * is a week old.
 */
export function reminderPeriods(today: string, catalog: Catalog) {
  const periods = (periodRows() as unknown as (CalendarPeriod & { period: string })[])
    .filter((p) => Math.abs(dayNumber(p.end_date) - dayNumber(today)) < 400);
  const endOf = new Map(periods.map((p) => [p.period, p.end_date]));
  return periodDeadlines(catalog.calendar ?? [], periods, catalog.holidays ?? []).flatMap((row) => {
    const since = dayNumber(today) - dayNumber(row.deadline);
    const point = [...REMINDER_POINTS].reverse().find((p) => since >= p.offset);
    if (!point || since > REMINDER_POINTS.at(-1)!.offset + 7) return [];
    return [{ period: row.period, deadline: row.deadline, end: endOf.get(row.period)!, point, days: Math.abs(since) }];
  });
}

/** The message of a reminder, in Vietnamese, for the unit's clerk or head. */
function message(reason: ReminderReason, unitName: string, period: string, deadline: string, days: number, overdue: boolean): { subject: string; body: string } {
  const label = periodLabelVi(period);
  if (reason === 'returned') {
    return {
      subject: `Báo cáo chuyển đổi số ${label} bị trả lại, cần gửi lại`,
      body: `Kính gửi ${unitName},\n\nBáo cáo chuyển đổi số ${label} của đơn vị đã bị lãnh đạo đơn vị trả lại (xem ý kiến trên trang nộp báo cáo). Đề nghị sửa và gửi lại trước hạn ${viDate(deadline)}.${SIGNATURE}`,
    };
  }
  if (reason === 'unapproved') {
    return {
      subject: `Báo cáo chuyển đổi số ${label} chờ lãnh đạo đơn vị duyệt`,
      body: `Kính gửi lãnh đạo ${unitName},\n\nBáo cáo chuyển đổi số ${label} của đơn vị đã được nhận nhưng chưa được duyệt; số liệu chưa hiển thị cho lãnh đạo tỉnh. Đề nghị duyệt trên trang Duyệt báo cáo (hạn nộp ${viDate(deadline)}).${SIGNATURE}`,
    };
  }
  return overdue
    ? {
      subject: `Báo cáo chuyển đổi số ${label} đã quá hạn ${days} ngày`,
      body: `Kính gửi ${unitName},\n\nBáo cáo chuyển đổi số ${label} của đơn vị đã quá hạn ${days} ngày (hạn nộp ${viDate(deadline)}); hệ thống chưa nhận được báo cáo hợp lệ nào của đơn vị cho kỳ này. Đề nghị đơn vị gửi báo cáo sớm.${SIGNATURE}`,
    }
    : {
      subject: `Nhắc nộp báo cáo chuyển đổi số ${label} (hạn ${viDate(deadline)})`,
      body: `Kính gửi ${unitName},\n\nBáo cáo chuyển đổi số ${label} cần được gửi trước hết ngày ${viDate(deadline)} (còn ${days} ngày). Hệ thống chưa nhận được báo cáo của đơn vị cho kỳ này.${SIGNATURE}`,
    };
}

const KEY_PREFIX: Record<ReminderReason, string> = { missing: '', returned: 'tra-lai-', unapproved: 'chua-duyet-' };

/**
 * The reminders due today: for each period of `reminderPeriods`, the reporting units of its
 * registry that have not reported, and (while approval is required) those whose report was
 * returned or waits for their head.
 */
export function remindersDue(
  today: string,
  catalog: Catalog,
  reported: ReadonlyMap<string, ReadonlySet<string>>,
  waiting: ReadonlyMap<string, ReadonlyMap<string, 'pending' | 'returned'>> = new Map(),
): Reminder[] {
  const reporting = new Set(catalog.indicators.flatMap((i) => i.reportedBy));
  const out: Reminder[] = [];
  for (const { period, deadline, end, point, days } of reminderPeriods(today, catalog)) {
    for (const unit of catalog.units) {
      if (!reporting.has(unit.type)) continue;
      if ((unit.validFrom && unit.validFrom > end) || (unit.validTo && unit.validTo < end)) continue;
      const state = waiting.get(period)?.get(unit.code);
      const reason: ReminderReason | null = !reported.get(period)?.has(unit.code) ? 'missing' : state === 'returned' ? 'returned' : state === 'pending' ? 'unapproved' : null;
      if (!reason) continue;
      out.push({
        key: `${period}/${unit.code}/${KEY_PREFIX[reason]}${point.label}`,
        reason, unit: unit.code, unit_name: unit.nameVi, period, deadline, point: point.label, to: unit.emails ?? [],
        ...message(reason, unit.nameVi, period, deadline, days, point.offset > 0),
      });
    }
  }
  return out;
}
