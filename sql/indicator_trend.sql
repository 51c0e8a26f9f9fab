/*
title:
  vi: Xu hướng một chỉ số toàn huyện
  en: District trend of one indicator
description:
  vi: >-
    Giá trị toàn huyện của một chỉ số qua các kỳ cùng loại (quý, tháng, …) từ kỳ đầu đến kỳ cuối.
    Tỷ lệ tính từ tổng tử số trên tổng mẫu số của các đơn vị có báo cáo số liệu, không lấy trung bình
    các tỷ lệ; chỉ số có/không là tỷ lệ đơn vị đã có.
  en: >-
    The district value of one indicator over the periods of one kind (quarters, months, …) from
    one period to another. A share is the sum of numerators over the sum of denominators of the
    units that reported counts, never a mean of shares; a yes/no indicator is the share of units with it.
params:
  - name: indicator
    type: indicator
    description: { vi: Mã chỉ số, en: Indicator code }
  - name: from
    type: period
    description: { vi: Từ kỳ, en: From period }
  - name: to
    type: period
    description: { vi: Đến kỳ, en: To period }
columns:
  - { name: period, vi: Kỳ, en: Period }
  - { name: period_label, vi: Kỳ báo cáo, en: Period label }
  - { name: value, vi: Giá trị toàn huyện, en: District value }
  - { name: target, vi: Chỉ tiêu, en: Target }
  - { name: units_reported, vi: Số đơn vị báo cáo, en: Units reported }
  - { name: units_without_counts, vi: Đơn vị không có tử số/mẫu số, en: Units without counts }
chart: { type: line, x: period_label, y: value }
*/
WITH span AS (
  SELECT p.period, p.label_vi, p.start_date
  FROM periods p
  JOIN periods f ON f.period = :from
  JOIN periods t ON t.period = :to
  WHERE p.kind = f.kind AND p.start_date >= f.start_date AND p.start_date <= t.start_date
)
SELECT
  s.period,
  s.label_vi AS period_label,
  CASE
    WHEN max(i.measure) = 'boolean' THEN 100.0 * avg(k.value)
    WHEN sum(k.denominator) > 0 THEN round(100.0 * CAST(sum(k.numerator) AS DOUBLE) / CAST(sum(k.denominator) AS DOUBLE), 2)
    ELSE NULL
  END AS value,
  max(i.target) AS target,
  count(k.value) AS units_reported,
  sum(CASE WHEN k.value IS NOT NULL AND k.denominator IS NULL THEN 1 ELSE 0 END) AS units_without_counts
FROM span s
JOIN indicators i ON i.code = :indicator
LEFT JOIN kpi_current k ON k.period = s.period AND k.indicator_code = i.code
GROUP BY s.period, s.label_vi, s.start_date
ORDER BY s.start_date
