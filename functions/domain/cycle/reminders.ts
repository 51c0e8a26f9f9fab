import { calendarRows } from '../registry/calendar.ts';
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

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const viDate = (date: string) => `${Number(date.slice(8))}/${Number(date.slice(5, 7))}/${date.slice(0, 4)}`;

/**
 * The reminders due today: for each period whose deadline is near or past, the reporting units of
 * its registry that have not reported, at the latest reminder point reached (a point missed while
 * the system was down is not sent late; the next one is). Messages in Vietnamese, for clerks.
 */
export function remindersDue(
  today: string,
  catalog: Catalog,
  reported: ReadonlyMap<string, ReadonlySet<string>>,
  /** While approval is required: the units whose report waits for their head, or was returned. */
  waiting: ReadonlyMap<string, ReadonlyMap<string, 'pending' | 'returned'>> = new Map(),
): Reminder[] {
  const reporting = new Set(catalog.indicators.flatMap((i) => i.reportedBy));
  const periods = periodRows().filter((p) => Math.abs(dayNumber(p.end_date as string) - dayNumber(today)) < 400) as { period: string; end_date: string }[];
  const out: Reminder[] = [];
  for (const row of calendarRows(catalog.calendar ?? [], periods, 7)) {
    const since = dayNumber(today) - dayNumber(row.deadline);
    const point = [...REMINDER_POINTS].reverse().find((p) => since >= p.offset);
    // Only while a point is the latest reached and the last point is at most a week old.
    if (!point || since > REMINDER_POINTS.at(-1)!.offset + 7) continue;
    const end = periods.find((p) => p.period === row.period)!.end_date;
    const done = reported.get(row.period) ?? new Set<string>();
    const held = waiting.get(row.period) ?? new Map<string, 'pending' | 'returned'>();
    for (const unit of catalog.units) {
      if (!reporting.has(unit.type)) continue;
      if ((unit.validFrom && unit.validFrom > end) || (unit.validTo && unit.validTo < end)) continue;
      const label = periodLabelVi(row.period);
      const overdue = point.offset > 0;
      const days = Math.abs(dayNumber(today) - dayNumber(row.deadline));
      if (done.has(unit.code)) {
        const state = held.get(unit.code);
        if (!state) continue;
        const returned = state === 'returned';
        out.push({
          key: `${row.period}/${unit.code}/${returned ? 'tra-lai' : 'chua-duyet'}-${point.label}`,
          reason: returned ? 'returned' : 'unapproved',
          unit: unit.code, unit_name: unit.nameVi, period: row.period, deadline: row.deadline, point: point.label, to: unit.emails ?? [],
          subject: returned ? `Báo cáo chuyển đổi số ${label} bị trả lại, cần gửi lại` : `Báo cáo chuyển đổi số ${label} chờ lãnh đạo đơn vị duyệt`,
          body: returned
            ? `Kính gửi ${unit.nameVi},\n\nBáo cáo chuyển đổi số ${label} của đơn vị đã bị lãnh đạo đơn vị trả lại (xem ý kiến trên trang nộp báo cáo). Đề nghị sửa và gửi lại trước hạn ${viDate(row.deadline)}.\n\nTin nhắn tự động của hệ thống chiso.`
            : `Kính gửi lãnh đạo ${unit.nameVi},\n\nBáo cáo chuyển đổi số ${label} của đơn vị đã được nhận nhưng chưa được duyệt; số liệu chưa hiển thị cho lãnh đạo tỉnh. Đề nghị duyệt trên trang Duyệt báo cáo (hạn nộp ${viDate(row.deadline)}).\n\nTin nhắn tự động của hệ thống chiso.`,
        });
        continue;
      }
      out.push({
        key: `${row.period}/${unit.code}/${point.label}`,
        reason: 'missing',
        unit: unit.code,
        unit_name: unit.nameVi,
        period: row.period,
        deadline: row.deadline,
        point: point.label,
        to: unit.emails ?? [],
        subject: overdue ? `Báo cáo chuyển đổi số ${label} đã quá hạn ${days} ngày` : `Nhắc nộp báo cáo chuyển đổi số ${label} (hạn ${viDate(row.deadline)})`,
        body: overdue
          ? `Kính gửi ${unit.nameVi},\n\nBáo cáo chuyển đổi số ${label} của đơn vị đã quá hạn ${days} ngày (hạn nộp ${viDate(row.deadline)}); hệ thống chưa nhận được báo cáo hợp lệ nào của đơn vị cho kỳ này. Đề nghị đơn vị gửi báo cáo sớm.\n\nTin nhắn tự động của hệ thống chiso.`
          : `Kính gửi ${unit.nameVi},\n\nBáo cáo chuyển đổi số ${label} cần được gửi trước hết ngày ${viDate(row.deadline)} (còn ${days} ngày). Hệ thống chưa nhận được báo cáo của đơn vị cho kỳ này.\n\nTin nhắn tự động của hệ thống chiso.`,
      });
    }
  }
  return out;
}
