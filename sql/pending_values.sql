/*
title:
  vi: Số liệu chờ lãnh đạo đơn vị duyệt
  en: Values waiting for their head's approval
description:
  vi: >-
    Khi đơn vị triển khai yêu cầu duyệt: giá trị mới nhất của từng chỉ số chưa được công bố trong
    kỳ (lãnh đạo đơn vị chưa duyệt, hoặc đã trả lại), của một đơn vị (unit) hoặc mọi đơn vị (để
    trống). Chỉ dành cho chuyên viên: không chia sẻ cho lãnh đạo.
  en: >-
    While the deployment requires approval: the latest value of each indicator not yet published
    for the period (its head has not approved it, or returned it), of one unit (unit) or of every
    unit (blank). Analysts only: never shared with a leader.
audience: analysts
params:
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Period }
  - name: unit
    type: text
    default: ""
    description: { vi: Mã đơn vị (để trống là mọi đơn vị), en: Unit code (blank for every unit) }
columns:
  - { name: unit, vi: Mã đơn vị, en: Unit code }
  - { name: unit_name, vi: Đơn vị, en: Unit }
  - { name: indicator_code, vi: Mã chỉ số, en: Indicator code }
  - { name: indicator_name, vi: Chỉ số, en: Indicator }
  - { name: value, vi: Giá trị, en: Value }
  - { name: status_code, vi: Mã tình trạng (pending / returned), en: Status code (pending / returned) }
  - { name: status, vi: Tình trạng, en: Status }
  - { name: submitted_at, vi: Nhận lúc, en: Received }
chart: { type: table }
*/
SELECT p.unit, u.name_vi AS unit_name, p.indicator_code, i.short_name_vi AS indicator_name, p.value,
       p.approval AS status_code, CASE WHEN p.approval = 'returned' THEN 'Bị trả lại' ELSE 'Chờ duyệt' END AS status, p.submitted_at
FROM kpi_pending p
LEFT JOIN units u ON u.code = p.unit
LEFT JOIN indicators i ON i.code = p.indicator_code
WHERE p.period = :period AND (:unit = '' OR p.unit = :unit)
ORDER BY u.name_vi, i.sort_order, p.indicator_code
