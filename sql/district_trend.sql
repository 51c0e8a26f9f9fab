/*
title:
  vi: Xu hướng toàn huyện
  en: District trend
description:
  vi: Qua các kỳ cùng loại, tỷ lệ cặp (đơn vị, chỉ số) đạt chỉ tiêu trên tổng số cặp áp dụng, và số đơn vị đã báo cáo.
  en: Over the periods of one kind, the share of applicable (unit, indicator) pairs that met their target, and how many units reported.
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
  - { name: share_met, vi: Tỷ lệ đạt chỉ tiêu (%), en: Share of targets met (%) }
  - { name: units_reported, vi: Số đơn vị báo cáo, en: Units reported }
chart: { type: line, x: period_label, y: share_met }
*/
WITH span AS (
  SELECT p.period, p.label_vi, p.start_date, p.end_date
  FROM periods p
  JOIN periods f ON f.period = :from
  JOIN periods t ON t.period = :to
  WHERE p.kind = f.kind AND p.start_date >= f.start_date AND p.start_date <= t.start_date
),
-- How many (unit, indicator) pairs each period expects: the units of the registry on its last
-- day, each with the indicators its type reports, as the scorecard of that period lists them, so
-- the two pages give the same share.
expected AS (
  SELECT s.period, sum(t.indicators) AS pairs
  FROM span s
  JOIN units u ON s.end_date BETWEEN u.valid_from AND u.valid_to
  JOIN (
    SELECT ut.type, count(*) AS indicators
    FROM (SELECT DISTINCT type FROM units) ut
    JOIN indicators i ON strpos(i.reported_by, ut.type) > 0
    GROUP BY ut.type
  ) t ON t.type = u.type
  GROUP BY s.period
),
-- Of those, the pairs that met their target and the units that reported (targets_met).
met AS (
  SELECT m.period, sum(m.targets_met) AS targets_met, count(*) AS units_reported
  FROM targets_met m
  JOIN span s ON s.period = m.period
  GROUP BY m.period
)
SELECT
  s.period,
  s.label_vi AS period_label,
  round(100.0 * coalesce(m.targets_met, 0) / e.pairs, 1) AS share_met,
  coalesce(m.units_reported, 0) AS units_reported
FROM span s
JOIN expected e ON e.period = s.period
LEFT JOIN met m ON m.period = s.period
ORDER BY s.start_date
