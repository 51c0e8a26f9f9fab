/*
title:
  vi: Phiếu điểm chuyển đổi số của một đơn vị
  en: One unit's digital-transformation score card
description:
  vi: >-
    Mỗi chỉ số thành phần của bộ chỉ số có hiệu lực trong kỳ áp dụng cho đơn vị: giá trị đã báo
    cáo, cách tính, điểm đạt trên điểm tối đa, điểm quy về thang 1.000, ghi chú và tệp nguồn.
  en: >-
    Every component of the framework in force for the unit's type: the value reported, the rule,
    points earned of the maximum, the points on the 1,000 scale, the note and the source file.
params:
  - name: unit
    type: unit
    description: { vi: Mã đơn vị, en: Unit code }
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Reporting period }
columns:
  - { name: pillar_name, vi: Trụ cột, en: Pillar }
  - { name: indicator_code, vi: Mã chỉ số, en: Indicator code }
  - { name: indicator_name, vi: Chỉ số thành phần, en: Component }
  - { name: rule, vi: Cách tính, en: Rule }
  - { name: value, vi: Giá trị, en: Value }
  - { name: numerator, vi: Tử số, en: Numerator }
  - { name: denominator, vi: Mẫu số, en: Denominator }
  - { name: points, vi: Điểm đạt, en: Points }
  - { name: max_points, vi: Điểm tối đa, en: Maximum points }
  - { name: points_1000, vi: Điểm trên thang 1.000, en: Points on the 1,000 scale }
  - { name: evidence, vi: Ghi chú / tài liệu kiểm chứng, en: Note / evidence }
  - { name: source_file, vi: Tệp nguồn, en: Source file }
  - { name: framework, vi: Bộ chỉ số, en: Framework }
chart: { type: bar, x: indicator_code, y: points }
*/
WITH cur AS (
  SELECT period, end_date FROM periods WHERE period = :period
),
components AS (
  SELECT f.framework, f.pillar_name_vi, f.indicator_code, f.rule, f.steps, f.max_points, f.sort_order
  FROM cur
  JOIN units u ON u.code = :unit
  JOIN frameworks f ON f.unit_type = u.type AND cur.end_date BETWEEN f.valid_from AND f.valid_to
)
SELECT
  c.pillar_name_vi AS pillar_name,
  c.indicator_code,
  i.name_vi AS indicator_name,
  CASE WHEN c.rule = 'steps' THEN 'steps ' || c.steps ELSE c.rule END AS rule,
  round(k.value, 2) AS value,
  k.numerator,
  k.denominator,
  round(coalesce(k.points, 0), 2) AS points,
  c.max_points,
  round(1000.0 * coalesce(k.points, 0) / sum(c.max_points) OVER (), 2) AS points_1000,
  k.note AS evidence,
  k.source_file,
  c.framework
FROM components c
JOIN indicators i ON i.code = c.indicator_code
CROSS JOIN cur
LEFT JOIN kpi_points k
  ON k.unit = :unit AND k.indicator_code = c.indicator_code AND k.period = cur.period AND cur.end_date BETWEEN k.as_of_from AND k.as_of_to
ORDER BY c.sort_order
