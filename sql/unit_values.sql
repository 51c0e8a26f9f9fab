/*
title:
  vi: Số liệu hiện hành của một đơn vị trong một kỳ
  en: A unit's current values for a period
description:
  vi: >-
    Giá trị đang dùng của từng chỉ số của một đơn vị trong một kỳ (lần báo cáo mới nhất đã được
    duyệt, khi đơn vị triển khai yêu cầu duyệt): lãnh đạo so với kỳ này khi duyệt kỳ sau.
  en: >-
    The value in use of each indicator of a unit for a period (the latest approved report, when
    the deployment requires approval): what a head compares the next period's report with.
params:
  - name: unit
    type: unit
    description: { vi: Đơn vị, en: Unit }
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Period }
columns:
  - { name: indicator_code, vi: Mã chỉ số, en: Indicator code }
  - { name: value, vi: Giá trị, en: Value }
chart: { type: table }
*/
SELECT indicator_code, value
FROM kpi_current
WHERE unit = :unit AND period = :period
ORDER BY indicator_code
