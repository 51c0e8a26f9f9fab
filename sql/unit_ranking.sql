/*
title:
  vi: Xếp hạng đơn vị
  en: Unit ranking
description:
  vi: Các đơn vị xếp theo tỷ lệ chỉ số đạt chỉ tiêu trong một kỳ (trên số chỉ số áp dụng cho đơn vị).
  en: Units ranked by the share of their applicable indicators that met the target in one period.
params:
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Reporting period }
columns:
  - { name: rank, vi: Hạng, en: Rank }
  - { name: unit, vi: Mã đơn vị, en: Unit code }
  - { name: unit_name, vi: Đơn vị, en: Unit }
  - { name: unit_type, vi: Loại đơn vị, en: Unit type }
  - { name: score, vi: Tỷ lệ đạt (%), en: Share met (%) }
  - { name: indicators_met, vi: Số chỉ số đạt, en: Indicators met }
  - { name: indicators_reported, vi: Số chỉ số báo cáo, en: Indicators reported }
  - { name: indicators_applicable, vi: Số chỉ số áp dụng, en: Indicators applicable }
chart: { type: bar, x: unit_name, y: score }
*/
WITH scored AS (
  SELECT
    u.code AS unit,
    u.name_vi AS unit_name,
    u.type AS unit_type,
    u.sort_order,
    count(*) AS indicators_applicable,
    count(k.value) AS indicators_reported,
    sum(CASE WHEN k.met THEN 1 ELSE 0 END) AS indicators_met
  FROM periods p
  JOIN units u ON p.end_date BETWEEN u.valid_from AND u.valid_to
  CROSS JOIN indicators i
  LEFT JOIN frameworks f
    ON f.indicator_code = i.code AND f.unit_type = u.type AND p.end_date BETWEEN f.valid_from AND f.valid_to
  LEFT JOIN kpi_scored k
    ON k.unit = u.code AND k.indicator_code = i.code AND k.period = :period
  WHERE p.period = :period
    AND strpos(i.reported_by, u.type) > 0
  GROUP BY u.code, u.name_vi, u.type, u.sort_order
)
SELECT
  rank() OVER (ORDER BY round(100.0 * indicators_met / indicators_applicable, 1) DESC) AS rank,
  unit,
  unit_name,
  unit_type,
  round(100.0 * indicators_met / indicators_applicable, 1) AS score,
  indicators_met,
  indicators_reported,
  indicators_applicable
FROM scored
ORDER BY rank, sort_order
