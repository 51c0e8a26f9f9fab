/*
title:
  vi: Bảng điểm toàn tỉnh theo chỉ số
  en: Province scorecard by indicator
description:
  vi: >-
    Mỗi chỉ số cộng dồn trên mọi đơn vị trong một kỳ: tỷ lệ tính từ tổng tử số trên tổng mẫu số
    (không lấy trung bình các tỷ lệ), chỉ số có/không là tỷ lệ đơn vị đã có. Đơn vị chỉ ghi tỷ lệ
    mà không có tử số, mẫu số không được tính vào tỷ lệ chung và được đếm riêng.
  en: >-
    Each indicator rolled up over every unit for one period: a share is the sum of numerators over
    the sum of denominators (never a mean of shares), a yes/no indicator the share of units with it.
    Units that gave a share without counts are left out of the ratio and counted apart.
params:
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Reporting period }
columns:
  - { name: indicator_code, vi: Mã chỉ số, en: Indicator code }
  - { name: indicator_name, vi: Chỉ số, en: Indicator }
  - { name: measure, vi: Loại, en: Measure }
  - { name: value, vi: Giá trị toàn tỉnh, en: Province value }
  - { name: target, vi: Chỉ tiêu, en: Target }
  - { name: met, vi: Đạt, en: Met }
  - { name: units_reported, vi: Số đơn vị báo cáo, en: Units reported }
  - { name: units_without_counts, vi: Đơn vị không có tử số/mẫu số, en: Units without counts }
chart: { type: bar, x: indicator_code, y: value }
*/
WITH rolled AS (
  SELECT
    i.code AS indicator_code,
    i.name_vi AS indicator_name,
    i.measure,
    i.direction,
    i.target,
    i.sort_order,
    CASE
      WHEN i.measure = 'boolean' THEN 100.0 * avg(k.value)
      WHEN sum(k.denominator) > 0 THEN round(100.0 * CAST(sum(k.numerator) AS DOUBLE) / CAST(sum(k.denominator) AS DOUBLE), 2)
      ELSE NULL
    END AS value,
    count(k.value) AS units_reported,
    sum(CASE WHEN k.value IS NOT NULL AND k.denominator IS NULL THEN 1 ELSE 0 END) AS units_without_counts
  FROM indicators i
  LEFT JOIN kpi_current k ON k.indicator_code = i.code AND k.period = :period
  GROUP BY i.code, i.name_vi, i.measure, i.direction, i.target, i.sort_order
)
SELECT
  indicator_code,
  indicator_name,
  measure,
  value,
  target,
  CASE
    WHEN value IS NULL THEN NULL
    WHEN measure = 'boolean' THEN value >= 100.0 * target
    WHEN direction = 'lower' THEN value <= target
    ELSE value >= target
  END AS met,
  units_reported,
  units_without_counts
FROM rolled
ORDER BY sort_order
