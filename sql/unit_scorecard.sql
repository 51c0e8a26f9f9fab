/*
title:
  vi: Phiếu điểm chuyển đổi số của một đơn vị
  en: One unit's digital-transformation score card
description:
  vi: >-
    Mỗi chỉ số thành phần của bộ chỉ số có hiệu lực trong kỳ áp dụng cho đơn vị: giá trị đã báo
    cáo, cách tính, điểm tính từ số liệu, điểm tự chấm và điểm thẩm định (điểm công bố là điểm
    thẩm định nếu có, nếu không là điểm tính từ số liệu), chênh lệch giữa tự chấm và công bố, điểm
    quy về thang 1.000, giải trình / tài liệu kiểm chứng và tệp nguồn.
  en: >-
    Every component of the framework in force for the unit's type: the value reported, the rule,
    the points it earns, the unit's self-assessed and the province's appraised points (published:
    the appraised where there are any, else those of the values), the gap between self-assessed and
    published, the points on the 1,000 scale, the evidence note and the source file.
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
  - { name: points, vi: Điểm (công bố), en: Points (published) }
  - { name: computed_points, vi: Điểm tính từ số liệu, en: Points from the values }
  - { name: self_points, vi: Điểm tự chấm, en: Self-assessed points }
  - { name: appraised_points, vi: Điểm thẩm định, en: Appraised points }
  - { name: gap, vi: Chênh lệch tự chấm − công bố, en: Self-assessed minus published }
  - { name: max_points, vi: Điểm tối đa, en: Maximum points }
  - { name: points_1000, vi: "Điểm trên thang 1.000", en: "Points on the 1,000 scale" }
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
  round(coalesce(ap.points, k.points, 0), 2) AS points,
  round(k.points, 2) AS computed_points,
  sp.points AS self_points,
  ap.points AS appraised_points,
  round(sp.points - coalesce(ap.points, k.points, 0), 2) AS gap,
  c.max_points,
  round(1000.0 * coalesce(ap.points, k.points, 0) / sum(c.max_points) OVER (), 2) AS points_1000,
  coalesce(ap.note, sp.note, k.note) AS evidence,
  coalesce(k.source_file, sp.source_file) AS source_file,
  c.framework
FROM components c
JOIN indicators i ON i.code = c.indicator_code
CROSS JOIN cur
LEFT JOIN kpi_points k
  ON k.unit = :unit AND k.indicator_code = c.indicator_code AND k.period = cur.period AND cur.end_date BETWEEN k.as_of_from AND k.as_of_to
LEFT JOIN kpi_assessed sp
  ON sp.unit = :unit AND sp.period = cur.period AND sp.indicator_code = c.indicator_code AND sp.assessment = 'self'
LEFT JOIN kpi_assessed ap
  ON ap.unit = :unit AND ap.period = cur.period AND ap.indicator_code = c.indicator_code AND ap.assessment = 'appraised'
ORDER BY c.sort_order
