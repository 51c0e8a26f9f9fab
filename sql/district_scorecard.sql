/*
title:
  vi: Bảng điểm chuyển đổi số toàn huyện
  en: District digital-transformation scorecard
description:
  vi: Mỗi đơn vị của danh mục tại ngày cuối kỳ với từng chỉ số áp dụng cho loại đơn vị đó, so với chỉ tiêu của kỳ, trong một kỳ báo cáo.
  en: Every unit of the registry on the period's last day against each indicator that applies to its type, compared with that period's target.
params:
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Reporting period }
columns:
  - { name: unit, vi: Mã đơn vị, en: Unit code }
  - { name: unit_name, vi: Đơn vị, en: Unit }
  - { name: unit_type, vi: Loại đơn vị, en: Unit type }
  - { name: indicator_code, vi: Mã chỉ số, en: Indicator code }
  - { name: indicator_name, vi: Chỉ số, en: Indicator }
  - { name: indicator_short_vi, vi: "Chỉ số (ngắn)", en: "Indicator (short, Vietnamese)" }
  - { name: indicator_short_en, vi: "Chỉ số (ngắn, tiếng Anh)", en: "Indicator (short)" }
  - { name: measure, vi: Loại, en: Measure }
  - { name: value, vi: Giá trị, en: Value }
  - { name: target, vi: Chỉ tiêu, en: Target }
  - { name: met, vi: Đạt, en: Met }
chart: { type: heatmap, x: indicator_code, y: unit_name, value: value }
page:
  sections:
    - { query: district_trend, params: { from: "{period-7}", to: "{period}" } }
    - { query: dti_ranking, params: { period: "{period}" } }
    - { query: unit_ranking, params: { period: "{period}" } }
    - { query: missing_submissions, params: { period: "{period}" } }
    - { query: reporting_timeliness, params: { period: "{period}" } }
    - { query: quality_warnings, params: { period: "{period}" } }
*/
SELECT
  u.code AS unit,
  u.name_vi AS unit_name,
  u.type AS unit_type,
  i.code AS indicator_code,
  i.name_vi AS indicator_name,
  i.short_name_vi AS indicator_short_vi,
  i.short_name_en AS indicator_short_en,
  i.measure,
  k.value,
  coalesce(f.target, i.target) AS target,
  k.met
FROM periods p
JOIN units u ON p.end_date BETWEEN u.valid_from AND u.valid_to
CROSS JOIN indicators i
LEFT JOIN frameworks f
  ON f.indicator_code = i.code AND f.unit_type = u.type AND p.end_date BETWEEN f.valid_from AND f.valid_to
LEFT JOIN kpi_scored k
  ON k.unit = u.code AND k.indicator_code = i.code AND k.period = :period
-- The units of the registry on the period's last day, each with the indicators its type reports;
-- the target is the one of the framework in force then, else the indicator's default.
WHERE p.period = :period
  AND strpos(i.reported_by, u.type) > 0
ORDER BY u.sort_order, i.sort_order
