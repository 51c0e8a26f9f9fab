/*
title:
  vi: Xu hướng của một đơn vị qua sáp nhập, chia tách
  en: One unit's trend across mergers and splits
description:
  vi: >-
    Giá trị một chỉ số của một đơn vị qua các kỳ, trình bày theo danh mục đơn vị tại ngày as_of:
    số liệu của các đơn vị tiền thân được cộng vào đơn vị kế thừa (chia tách theo tỷ lệ). Tỷ lệ tính
    từ tổng tử số trên tổng mẫu số, không lấy trung bình các tỷ lệ; đơn vị chỉ báo cáo tỷ lệ mà không
    có tử số, mẫu số được đếm riêng chứ không tự gán trọng số.
  en: >-
    One indicator of one unit over periods, in the units of the registry on as_of: values of its
    predecessors count toward it (splits by their shares). A share is the sum of numerators over
    the sum of denominators, never a mean of shares; units that gave a share without counts are
    counted apart instead of being given invented weights.
params:
  - name: unit
    type: unit
    description: { vi: Mã đơn vị (theo danh mục tại as_of), en: Unit code (in the registry of as_of) }
  - name: indicator
    type: indicator
    description: { vi: Mã chỉ số, en: Indicator code }
  - name: from
    type: period
    description: { vi: Từ kỳ, en: From period }
  - name: to
    type: period
    description: { vi: Đến kỳ, en: To period }
  - name: as_of
    type: date
    default: today
    description: { vi: Danh mục đơn vị tại ngày, en: Registry date }
columns:
  - { name: period, vi: Kỳ, en: Period }
  - { name: period_label, vi: Kỳ báo cáo, en: Period label }
  - { name: value, vi: Giá trị, en: Value }
  - { name: target, vi: Chỉ tiêu, en: Target }
  - { name: units_reported, vi: Số đơn vị tiền thân có báo cáo, en: Units (predecessors) reported }
  - { name: units_without_counts, vi: Đơn vị không có tử số/mẫu số, en: Units without counts }
chart: { type: line, x: period_label, y: value }
*/
WITH span AS (
  SELECT p.period, p.label_vi, p.start_date
  FROM periods p
  JOIN periods f ON f.period = :from
  JOIN periods t ON t.period = :to
  WHERE p.kind = f.kind AND p.start_date >= f.start_date AND p.start_date <= t.start_date
),
lineage AS (
  SELECT unit, share
  FROM unit_lineage
  WHERE as_of_unit = :unit AND from_date <= :as_of AND to_date >= :as_of
)
SELECT
  s.period,
  s.label_vi AS period_label,
  CASE
    WHEN max(i.measure) = 'boolean' THEN 100.0 * sum(k.value * l.share) / nullif(sum(CASE WHEN k.value IS NOT NULL THEN l.share END), 0)
    WHEN sum(k.denominator * l.share) > 0 THEN round(100.0 * sum(k.numerator * l.share) / sum(k.denominator * l.share), 2)
    ELSE NULL
  END AS value,
  max(i.target) AS target,
  count(k.value) AS units_reported,
  sum(CASE WHEN k.value IS NOT NULL AND k.denominator IS NULL THEN 1 ELSE 0 END) AS units_without_counts
FROM span s
CROSS JOIN lineage l
JOIN indicators i ON i.code = :indicator
LEFT JOIN kpi_current k ON k.period = s.period AND k.unit = l.unit AND k.indicator_code = i.code
GROUP BY s.period, s.label_vi, s.start_date
ORDER BY s.start_date
