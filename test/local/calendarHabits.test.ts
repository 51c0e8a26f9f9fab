import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../functions/adapters/stores/FsObjectStore.ts';
import { checkRegistry } from '../../functions/domain/registry/catalog.ts';
import { periodDeadlines, type CalendarPeriod } from '../../functions/domain/registry/calendar.ts';
import { addWorkingDays } from '../../functions/domain/registry/workingDays.ts';
import { periodRows } from '../../functions/domain/registry/periods.ts';
import { describeProblem } from '../../functions/domain/registry/problems.ts';
import { importRegistry } from '../../functions/services/registry.ts';
import { composeQuery, type QueryServices } from '../../functions/runtimes/compose.ts';
import { csvBytes } from '../helpers/workbook.ts';
import { PROVINCE_FILES } from '../helpers/provinceRegistry.ts';

/**
 * The province's calendar habits: Tết as data (holidays.csv), deadlines in working days after the
 * cut-off, the administrative cut-off (the 15th of the month before to the 14th) beside calendar
 * periods, and the nine-month report as a period of its own.
 */
// Tết Đinh Mùi 2027 (mùng 1 on Saturday 6 February) as a province would enter the days off it announced.
const HOLIDAYS = `date,name_vi,verified
2027-01-01,Tết Dương lịch,yes
2027-02-05,Tết Nguyên đán,no
2027-02-08,Tết Nguyên đán,no
2027-02-09,Tết Nguyên đán,no
2027-02-10,Tết Nguyên đán,no
2027-02-11,Tết Nguyên đán,no
2027-02-12,Tết Nguyên đán,no
`;
const CALENDAR = `frequency,deadline_days,cutoff_day,period,deadline,deadline_working_days,convention
quarter,10,14,,,,
month,,,,,5,calendar
nine_months,,,,,2,administrative
`;
const holidaySet = new Set(HOLIDAYS.trim().split('\n').slice(1).map((l) => l.split(',')[0]!));
const periods = periodRows(2025, 2027) as unknown as CalendarPeriod[];

describe('deadlines in working days, Tết as data', () => {
  it('2 working days after a cut-off the day before Tết 2027 lands after the break, not on the Monday inside it', () => {
    expect(addWorkingDays('2027-02-04', 2, holidaySet)).toBe('2027-02-16'); // Fri 5 – Sun 14 off: Mon 15, Tue 16
    expect(addWorkingDays('2027-02-04', 2, new Set())).toBe('2027-02-08'); // without Tết: Fri 5, Mon 8
    expect(addWorkingDays('2026-12-31', 1, holidaySet)).toBe('2027-01-04'); // New Year on Friday, then the weekend
    expect(addWorkingDays('2027-02-13', 0, holidaySet)).toBe('2027-02-15');
  });

  it('the calendar rule counts them after the cut-off, and says how the period\'s data is cut', () => {
    const checked = checkRegistry({ ...PROVINCE_FILES, 'calendar.csv': CALENDAR, 'holidays.csv': HOLIDAYS });
    expect(checked.problems.map(describeProblem)).toEqual([]);
    const rows = new Map(periodDeadlines(checked.catalog!.calendar!, periods, checked.catalog!.holidays!).map((r) => [r.period, r]));
    // January 2027, a statistical month: cut at its end (Sunday 31), 5 working days: 1–4 February, then Tết, then Monday 15.
    expect(rows.get('2027-01')).toMatchObject({ deadline: '2027-02-15', convention: 'calendar', data_from: '2027-01-01', data_to: '2027-01-31', working_days: 5 });
    // The nine-month report, administrative: 15/12/2025 to 14/09/2026; Monday 14 + 2 working days.
    expect(rows.get('2026-M9')).toMatchObject({ cutoff_date: '2026-09-14', deadline: '2026-09-16', convention: 'administrative', data_from: '2025-12-15', data_to: '2026-09-14' });
    // Calendar days after the period's end, as before.
    expect(rows.get('2026-Q3')).toMatchObject({ cutoff_date: '2026-09-14', deadline: '2026-10-10', convention: 'calendar', data_from: '2026-07-01', working_days: null });
  });

  it('refuses a bad holidays or calendar file with every problem, in both languages', () => {
    const checked = checkRegistry({
      ...PROVINCE_FILES,
      'holidays.csv': 'date,name_vi\n2027-02-30,Tết\n2027-01-01,\n',
      'calendar.csv': 'frequency,deadline_days,cutoff_day,period,deadline,deadline_working_days,convention\nmonth,,,,,,\nquarter,10,,,,2,lunar\n',
    });
    expect(checked.problems.map(describeProblem)).toEqual([
      'calendar.csv, dòng 2, cột deadline_days: cần deadline_days (ngày sau cuối kỳ) hoặc deadline_working_days (ngày làm việc sau ngày chốt số liệu) / line 2, column deadline_days: give deadline_days (days after the period ends) or deadline_working_days (working days after the cut-off)',
      'calendar.csv, dòng 3, cột deadline_working_days: chỉ ghi một trong deadline_days và deadline_working_days / line 3, column deadline_working_days: give deadline_days or deadline_working_days, not both',
      'calendar.csv, dòng 3, cột convention: cách chốt số liệu "lunar" không thuộc calendar, administrative / line 3, column convention: convention "lunar" is not one of calendar, administrative',
      'holidays.csv, dòng 2, cột date: ngày "2027-02-30" phải là ngày có thật dạng YYYY-MM-DD / line 2, column date: date "2027-02-30" must be a real date YYYY-MM-DD',
      'holidays.csv, dòng 3, cột name_vi: tên ngày nghỉ bị trống / line 3, column name_vi: name_vi is empty',
    ]);
  });
});

describe('the nine-month report, "9 tháng đầu năm 2026"', () => {
  let work: string;
  let services: QueryServices;
  let analyst: string;
  let clock = new Date('2026-09-16T05:00:00Z'); // noon of the deadline day in Vietnam
  const form = (unit: string, period: string, doc: number) => csvBytes(`Đơn vị: ${unit}\nKỳ báo cáo: ${period}\nSTT,Chỉ tiêu,Tử số,Mẫu số,Kết quả\n1,Văn bản điện tử,${doc},100,\n2,Chữ ký số,,,Có\n`);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'chiso-nine-months-'));
    const dataDir = join(work, 'data');
    expect((await importRegistry(new FsObjectStore(dataDir), { ...PROVINCE_FILES, 'calendar.csv': CALENDAR, 'holidays.csv': HOLIDAYS }, clock)).status).toBe('imported');
    services = await composeQuery({ kind: 'local', dataDir, port: 0, utcOffsetHours: 7 }, { now: () => clock });
    analyst = await services.tokens.issue({ name: 'Chị Lan', role: 'analyst', unit: null });
  }, 60_000);
  afterAll(async () => {
    await services?.close();
    await rm(work, { recursive: true, force: true });
  });
  const query = async (path: string) => {
    const res = await services.app.request(path, { headers: { Authorization: `Bearer ${analyst}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>[];
  };

  it('is accepted as its own period, beside the third quarter, and judged on time or late by its own deadline', async () => {
    const onTime = await services.ingest({ bytes: form('Xã Yên Lạc', '9 tháng đầu năm 2026', 60), fileName: 'yen-lac-9-thang-2026.csv' });
    expect(onTime.errors).toEqual([]);
    expect(onTime.partitions).toEqual([{ unit: 'xa-yen-lac', period: '2026-M9' }]);
    const quarter = await services.ingest({ bytes: form('Xã Yên Lạc', 'Quý III/2026', 80), fileName: 'yen-lac-quy-III-2026.csv' });
    expect(quarter.partitions).toEqual([{ unit: 'xa-yen-lac', period: '2026-Q3' }]);
    clock = new Date('2026-09-17T03:00:00Z'); // the day after the deadline
    const late = await services.ingest({ bytes: form('Xã Tề Lỗ', '9 THÁNG ĐẦU NĂM 2026', 40), fileName: 'te-lo-9-thang.csv' });
    expect(late.errors).toEqual([]);
    services.runner.lakeChanged();

    const values = await query('/api/queries/unit_report?unit=xa-yen-lac&period=2026-M9');
    expect(values.find((r) => r.indicator_code === 'DOC')).toMatchObject({ value: 60 });
    const timeliness = Object.fromEntries((await query(`/api/queries/reporting_timeliness?period=${encodeURIComponent('9 tháng đầu năm 2026')}&as_of=2026-09-30`))
      .map((r) => [r.unit, [r.status_code, r.days_late, r.deadline]]));
    expect(timeliness).toMatchObject({
      'xa-yen-lac': ['on_time', 0, '2026-09-16'],
      'xa-te-lo': ['late', 1, '2026-09-16'],
      'phuong-viet-tri': ['missing', 14, '2026-09-16'],
    });
    const trend = await query('/api/queries/timeliness_trend?from=2025-M9&to=2026-M9');
    expect(trend.find((r) => r.period === '2026-M9')).toBeDefined();
  });
});
