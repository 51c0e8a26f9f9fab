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
SELECT
  d.unit,
  d.unit_name,
  d.ranking_group,
  d.pillar,
  d.pillar_name_vi AS pillar_name,
  d.indicator_code,
  i.name_vi AS indicator_name,
  round(d.value, 2) AS value,
  round(coalesce(d.points, 0), 2) AS points,
  round(d.computed_points, 2) AS computed_points,
  d.self_points,
  d.appraised_points,
  d.max_points,
  round(1000.0 * coalesce(d.points, 0) / sum(d.max_points) OVER (PARTITION BY d.unit), 2) AS points_1000,
  -- The main criterion's share of the total, from unrounded points: the annex's column per criterion.
  round(1000.0 * sum(coalesce(d.points, 0)) OVER (PARTITION BY d.unit, d.pillar) / sum(d.max_points) OVER (PARTITION BY d.unit), 2) AS pillar_points_1000,
  CASE WHEN d.rule = 'steps' THEN 'steps ' || d.steps ELSE d.rule END AS rule,
  d.self_note,
  d.appraisal_note,
  d.framework
-- Every unit of the registry on the last day of the period, every component the framework in
-- force gives its type, the published points being the appraisal where there is one (dti_points).
FROM dti_points d
JOIN indicators i ON i.code = d.indicator_code
WHERE d.period = :period
ORDER BY d.unit_order, d.component_order
