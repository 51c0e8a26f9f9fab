/*
title:
  vi: Đơn vị chưa báo cáo
  en: Units that have not reported
description:
  vi: Các đơn vị chưa có báo cáo được chấp nhận cho kỳ này, với kỳ gần nhất đã báo cáo, thời điểm gửi báo cáo còn hiệu lực gần nhất, hạn nộp và số ngày đã quá hạn tính đến ngày as_of.
  en: Units with no accepted report for the period, with the latest period they did report, when their latest current report arrived, the deadline and the days overdue as of as_of.
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
  - { name: unit_type, vi: Loại đơn vị, en: Unit type }
  - { name: last_period_reported, vi: Kỳ gần nhất đã báo cáo, en: Latest period reported }
  - { name: last_submitted_at, vi: Lần gửi gần nhất, en: Latest submission }
  - { name: deadline, vi: Hạn nộp, en: Deadline }
  - { name: days_overdue, vi: Số ngày quá hạn, en: Days overdue }
chart: { type: table }
*/
WITH asked AS (
  SELECT kind, start_date, end_date FROM periods WHERE period = :period
),
reported_now AS (
  SELECT DISTINCT unit FROM kpi_current WHERE period = :period
),
reported_before AS (
  SELECT k.unit, a.kind, max(p.start_date) AS last_start
  FROM kpi_current k
  JOIN periods p ON p.period = k.period
  JOIN asked a ON a.kind = p.kind AND p.start_date < a.start_date
  GROUP BY k.unit, a.kind
),
-- The last report before the asked period (a later one does not answer for it).
last_submission AS (
  SELECT k.unit, max(k.submitted_at) AS last_submitted_at
  FROM kpi_current k
  JOIN periods p ON p.period = k.period
  JOIN asked a ON p.start_date < a.start_date
  GROUP BY k.unit
)
SELECT
  u.code AS unit,
  u.name_vi AS unit_name,
  u.type AS unit_type,
  lp.period AS last_period_reported,
  ls.last_submitted_at,
  c.deadline,
  CASE WHEN CAST(:as_of AS DATE) > CAST(c.deadline AS DATE) THEN date_diff('day', CAST(c.deadline AS DATE), CAST(:as_of AS DATE)) ELSE 0 END AS days_overdue
-- Units of the registry on the period's last day, of a type that reports (not parents).
FROM reporting_units u
JOIN asked a ON a.end_date BETWEEN u.valid_from AND u.valid_to
LEFT JOIN reporting_calendar c ON c.period = :period
LEFT JOIN reported_now n ON n.unit = u.code
LEFT JOIN reported_before b ON b.unit = u.code
LEFT JOIN periods lp ON lp.start_date = b.last_start AND lp.kind = b.kind
LEFT JOIN last_submission ls ON ls.unit = u.code
WHERE n.unit IS NULL
ORDER BY u.sort_order
