/*
title:
  vi: Báo cáo của một đơn vị
  en: One unit's report
description:
  vi: Từng chỉ số của một đơn vị trong một kỳ, so với chỉ tiêu và với kỳ trước cùng loại.
  en: Each indicator of one unit for one period, against its target and the previous period of the same kind.
params:
  - name: unit
    type: unit
    description: { vi: Mã đơn vị, en: Unit code }
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Reporting period }
columns:
  - { name: indicator_code, vi: Mã chỉ số, en: Indicator code }
  - { name: indicator_name, vi: Chỉ số, en: Indicator }
  - { name: measure, vi: Loại, en: Measure }
  - { name: value, vi: Giá trị, en: Value }
  - { name: target, vi: Chỉ tiêu, en: Target }
  - { name: met, vi: Đạt, en: Met }
  - { name: previous_value, vi: Kỳ trước, en: Previous period }
  - { name: numerator, vi: Tử số, en: Numerator }
  - { name: denominator, vi: Mẫu số, en: Denominator }
  - { name: note, vi: Ghi chú, en: Note }
chart: { type: bar, x: indicator_code, y: value }
*/
SELECT
  i.code AS indicator_code,
  i.name_vi AS indicator_name,
  i.measure,
  cur.value,
  i.target,
  cur.met,
  prev.value AS previous_value,
  cur.numerator,
  cur.denominator,
  cur.note
FROM indicators i
JOIN units u ON u.code = :unit
LEFT JOIN periods p ON p.period = :period
LEFT JOIN kpi_scored cur
  ON cur.unit = u.code AND cur.period = :period AND cur.indicator_code = i.code
LEFT JOIN kpi_current prev
  ON prev.unit = u.code AND prev.period = p.previous_period AND prev.indicator_code = i.code
WHERE strpos(i.reported_by, u.type) > 0
ORDER BY i.sort_order
