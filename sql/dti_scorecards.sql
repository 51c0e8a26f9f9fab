/*
title:
  vi: Phiếu điểm chuyển đổi số của mọi đơn vị
  en: Every unit's digital-transformation score card
description:
  vi: >-
    Phiếu điểm của mọi đơn vị được chấm trong kỳ, mỗi dòng một chỉ số thành phần (như phiếu điểm
    của một đơn vị): giá trị, điểm tính từ số liệu, tự chấm, thẩm định, điểm công bố và điểm quy về
    thang 1.000, với nhóm xếp hạng của đơn vị. Dùng khi công bố kết quả (ảnh chụp cố định) và lập
    phụ lục quyết định (điểm theo từng tiêu chí chính).
  en: >-
    The score card of every unit scored in the period, a row per component (as one unit's score
    card): the value, the points of the values, self-assessed, appraised, published and on the
    1,000 scale, with the unit's ranking group. Used to publish the results (a frozen snapshot)
    and to draw up the decision's annex (points per main criterion).
params:
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Reporting period }
columns:
  - { name: unit, vi: "Mã đơn vị", en: "Unit code" }
  - { name: unit_name, vi: "Tên đơn vị", en: "Unit" }
  - { name: ranking_group, vi: "Nhóm xếp hạng", en: "Ranking group" }
  - { name: pillar, vi: "Mã tiêu chí chính", en: "Main criterion code" }
  - { name: pillar_name, vi: "Tiêu chí chính", en: "Main criterion" }
  - { name: indicator_code, vi: "Mã chỉ số", en: "Indicator code" }
  - { name: indicator_name, vi: "Chỉ số thành phần", en: "Component" }
  - { name: value, vi: "Giá trị", en: "Value" }
  - { name: points, vi: "Điểm (công bố)", en: "Points (published)" }
  - { name: computed_points, vi: "Điểm tính từ số liệu", en: "Points from the values" }
  - { name: self_points, vi: "Điểm tự chấm", en: "Self-assessed points" }
  - { name: appraised_points, vi: "Điểm thẩm định", en: "Appraised points" }
  - { name: max_points, vi: "Điểm tối đa", en: "Maximum points" }
  - { name: points_1000, vi: "Điểm trên thang 1.000", en: "Points on the 1,000 scale" }
  - { name: pillar_points_1000, vi: "Điểm tiêu chí chính trên thang 1.000", en: "Main criterion's points on the 1,000 scale" }
  - { name: rule, vi: "Cách tính", en: "Rule" }
  - { name: self_note, vi: "Giải trình / tài liệu kiểm chứng của đơn vị", en: "The unit's explanation / evidence" }
  - { name: appraisal_note, vi: "Nhận xét thẩm định", en: "Appraiser's comment" }
  - { name: framework, vi: "Bộ chỉ số", en: "Framework" }
chart: { type: table }
*/
WITH cur AS (
  SELECT period, end_date FROM periods WHERE period = :period
),
components AS (
  SELECT u.code AS unit, u.name_vi AS unit_name, u.sort_order AS unit_order, u.ranking_group, f.framework, f.pillar, f.pillar_name_vi,
         f.indicator_code, f.max_points, f.sort_order, f.rule, f.steps
  FROM cur
  JOIN units u ON cur.end_date BETWEEN u.valid_from AND u.valid_to
  JOIN frameworks f ON f.unit_type = u.type AND cur.end_date BETWEEN f.valid_from AND f.valid_to
)
SELECT
  c.unit,
  c.unit_name,
  c.ranking_group,
  c.pillar,
  c.pillar_name_vi AS pillar_name,
  c.indicator_code,
  i.name_vi AS indicator_name,
  round(k.value, 2) AS value,
  round(coalesce(ap.points, k.points, 0), 2) AS points,
  round(k.points, 2) AS computed_points,
  sp.points AS self_points,
  ap.points AS appraised_points,
  c.max_points,
  round(1000.0 * coalesce(ap.points, k.points, 0) / sum(c.max_points) OVER (PARTITION BY c.unit), 2) AS points_1000,
  -- The main criterion's share of the total, from unrounded points: the annex's column per criterion.
  round(1000.0 * sum(coalesce(ap.points, k.points, 0)) OVER (PARTITION BY c.unit, c.pillar) / sum(c.max_points) OVER (PARTITION BY c.unit), 2) AS pillar_points_1000,
  CASE WHEN c.rule = 'steps' THEN 'steps ' || c.steps ELSE c.rule END AS rule,
  sp.note AS self_note,
  ap.note AS appraisal_note,
  c.framework
FROM components c
JOIN indicators i ON i.code = c.indicator_code
CROSS JOIN cur
LEFT JOIN kpi_points k
  ON k.unit = c.unit AND k.indicator_code = c.indicator_code AND k.period = cur.period AND cur.end_date BETWEEN k.as_of_from AND k.as_of_to
LEFT JOIN kpi_assessed sp
  ON sp.unit = c.unit AND sp.period = cur.period AND sp.indicator_code = c.indicator_code AND sp.assessment = 'self'
LEFT JOIN kpi_assessed ap
  ON ap.unit = c.unit AND ap.period = cur.period AND ap.indicator_code = c.indicator_code AND ap.assessment = 'appraised'
ORDER BY c.unit_order, c.sort_order
