/*
title:
  vi: Tình hình nộp báo cáo đúng hạn
  en: Reporting timeliness
description:
  vi: >-
    Mỗi đơn vị phải báo cáo kỳ này (theo danh mục tại ngày cuối kỳ): đúng hạn, trễ bao nhiêu ngày,
    hay chưa nộp (quá hạn bao nhiêu ngày tính đến ngày as_of), xét theo lúc tệp hợp lệ đầu tiên
    của đơn vị cho kỳ đó đến nơi. Báo cáo bổ sung sau hạn để sửa một báo cáo đúng hạn không làm
    báo cáo thành trễ; báo cáo đầu tiên sau hạn thì trễ. Hạn nộp theo lịch báo cáo của tỉnh.
  en: >-
    Every unit due to report this period (in the registry of its last day): on time, late by how
    many days, or missing (overdue by how many days as of as_of), judged by when its first
    acceptable file for the period arrived. A correction after the deadline to an on-time report
    does not make it late; a first report after the deadline is late. Deadlines come from the
    province's calendar.
params:
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Reporting period }
  - name: as_of
    type: date
    default: today
    description: { vi: Tính đến ngày, en: As of }
columns:
  - { name: unit, vi: Mã đơn vị, en: Unit code }
  - { name: unit_name, vi: Đơn vị, en: Unit }
  - { name: status, vi: Tình trạng, en: Status }
  - { name: days_late, vi: Số ngày trễ / quá hạn, en: Days late / overdue }
  - { name: first_received_at, vi: Nhận tệp đầu tiên lúc, en: First file received }
  - { name: deadline, vi: Hạn nộp, en: Deadline }
  - { name: status_code, vi: Mã tình trạng, en: Status code }
chart: { type: table }
page:
  sections:
    - { query: timeliness_trend, params: { from: "{period-7}", to: "{period}" } }
*/
WITH due AS (
  SELECT p.period, p.end_date, c.deadline, c.deadline_end_utc
  FROM periods p
  JOIN reporting_calendar c ON c.period = p.period
  WHERE p.period = :period
),
expected AS (
  SELECT u.code AS unit, u.name_vi AS unit_name, u.sort_order
  FROM due d
  JOIN reporting_units u ON d.end_date BETWEEN u.valid_from AND u.valid_to
),
first_file AS (
  SELECT unit, first_received_at FROM first_received WHERE period = :period
),
judged AS (
  SELECT e.unit, e.unit_name, e.sort_order, f.first_received_at, d.deadline,
         CASE
           WHEN f.first_received_at IS NULL AND CAST(:as_of AS DATE) > CAST(d.deadline AS DATE) THEN 'missing'
           WHEN f.first_received_at IS NULL THEN 'not_due'
           WHEN f.first_received_at > d.deadline_end_utc THEN 'late'
           ELSE 'on_time'
         END AS status_code,
         CASE
           WHEN f.first_received_at IS NULL AND CAST(:as_of AS DATE) > CAST(d.deadline AS DATE) THEN date_diff('day', CAST(d.deadline AS DATE), CAST(:as_of AS DATE))
           WHEN f.first_received_at > d.deadline_end_utc THEN CAST(ceil(date_diff('second', d.deadline_end_utc, f.first_received_at) / 86400.0) AS BIGINT)
           ELSE 0
         END AS days_late
  FROM expected e
  CROSS JOIN due d
  LEFT JOIN first_file f ON f.unit = e.unit
)
SELECT
  unit,
  unit_name,
  CASE status_code
    WHEN 'on_time' THEN 'Đúng hạn'
    WHEN 'late' THEN 'Trễ hạn'
    WHEN 'missing' THEN 'Chưa nộp (quá hạn)'
    ELSE 'Chưa đến hạn'
  END AS status,
  days_late,
  first_received_at,
  deadline,
  status_code
FROM judged
ORDER BY CASE status_code WHEN 'missing' THEN 0 WHEN 'late' THEN 1 WHEN 'not_due' THEN 2 ELSE 3 END, days_late DESC, sort_order
