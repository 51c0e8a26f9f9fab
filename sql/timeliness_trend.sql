/*
title:
  vi: Tỷ lệ báo cáo đúng hạn qua các kỳ
  en: On-time reporting over periods
description:
  vi: >-
    Mỗi kỳ: số đơn vị phải báo cáo (danh mục tại ngày cuối kỳ), số đúng hạn, trễ hạn, chưa nộp và
    tỷ lệ đúng hạn, theo lúc tệp hợp lệ đầu tiên của đơn vị đến nơi so với hạn nộp của kỳ.
  en: >-
    Per period: units due (the registry of its last day), on time, late, missing, and the share
    on time, by when each unit's first acceptable file arrived against that period's deadline.
params:
  - name: from
    type: period
    description: { vi: Từ kỳ, en: From period }
  - name: to
    type: period
    description: { vi: Đến kỳ, en: To period }
columns:
  - { name: period, vi: Kỳ, en: Period }
  - { name: period_label, vi: Kỳ báo cáo, en: Period label }
  - { name: units_due, vi: Số đơn vị phải báo cáo, en: Units due }
  - { name: on_time, vi: Đúng hạn, en: On time }
  - { name: late, vi: Trễ hạn, en: Late }
  - { name: missing, vi: Chưa nộp, en: Missing }
  - { name: on_time_share, vi: Tỷ lệ đúng hạn (%), en: On time (%) }
chart: { type: line, x: period_label, y: on_time_share }
*/
WITH span AS (
  SELECT p.period, p.label_vi, p.start_date, p.end_date, c.deadline_end_utc
  FROM periods p
  JOIN periods f ON f.period = :from
  JOIN periods t ON t.period = :to
  JOIN reporting_calendar c ON c.period = p.period
  WHERE p.kind = f.kind AND p.start_date >= f.start_date AND p.start_date <= t.start_date
),
expected AS (
  SELECT s.period, u.code AS unit
  FROM span s
  JOIN reporting_units u ON s.end_date BETWEEN u.valid_from AND u.valid_to
),
first_file AS (
  SELECT r.period, r.unit, r.first_received_at FROM first_received r JOIN span p ON p.period = r.period
)
SELECT
  s.period,
  s.label_vi AS period_label,
  count(e.unit) AS units_due,
  sum(CASE WHEN f.first_received_at <= s.deadline_end_utc THEN 1 ELSE 0 END) AS on_time,
  sum(CASE WHEN f.first_received_at > s.deadline_end_utc THEN 1 ELSE 0 END) AS late,
  sum(CASE WHEN f.first_received_at IS NULL THEN 1 ELSE 0 END) AS missing,
  round(100.0 * sum(CASE WHEN f.first_received_at <= s.deadline_end_utc THEN 1 ELSE 0 END) / nullif(count(e.unit), 0), 1) AS on_time_share
FROM span s
LEFT JOIN expected e ON e.period = s.period
LEFT JOIN first_file f ON f.period = e.period AND f.unit = e.unit
GROUP BY s.period, s.label_vi, s.start_date
ORDER BY s.start_date
