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
-- Each period's (unit, indicator) pairs: the units of the registry on its last day, as the
-- scorecard of that period counts them, so the two pages give the same share.
pairs AS (
  SELECT s.period, u.code AS unit, i.code AS indicator_code
  FROM span s
  JOIN units u ON s.end_date BETWEEN u.valid_from AND u.valid_to
  CROSS JOIN indicators i
  WHERE strpos(i.reported_by, u.type) > 0
)
SELECT
  s.period,
  s.label_vi AS period_label,
  round(100.0 * sum(CASE WHEN k.met THEN 1 ELSE 0 END) / count(*), 1) AS share_met,
  count(DISTINCT k.unit) AS units_reported
FROM span s
JOIN pairs p ON p.period = s.period
LEFT JOIN kpi_scored k
  ON k.period = s.period AND k.unit = p.unit AND k.indicator_code = p.indicator_code
GROUP BY s.period, s.label_vi, s.start_date
ORDER BY s.start_date
