/*
title:
  vi: Danh mục đơn vị tại một ngày
  en: The unit registry on a date
description:
  vi: >-
    Các đơn vị báo cáo của danh mục tại ngày as_of, cùng các đơn vị đã thôi hoạt động mà không ghi
    nhận đơn vị kế thừa (vẫn giữ lịch sử, không bị gán sang đơn vị khác), với tình trạng, đơn vị
    cấp trên và việc sự kiện danh mục đã được xác minh văn bản hay chưa.
  en: >-
    The reporting units of the registry on as_of, with the units that ceased without a recorded
    successor (their history kept, never assigned to another), each with its status, its parent
    and whether the registry events behind it are verified against their documents.
params:
  - name: as_of
    type: date
    default: today
    description: { vi: Danh mục tại ngày, en: Registry date }
columns:
  - { name: unit, vi: Mã đơn vị, en: Unit code }
  - { name: unit_name, vi: Đơn vị, en: Unit }
  - { name: unit_type, vi: Loại đơn vị, en: Unit type }
  - { name: valid_from, vi: Từ ngày, en: From }
  - { name: valid_to, vi: Đến ngày, en: Until }
  - { name: parent, vi: Đơn vị cấp trên, en: Parent }
  - { name: status, vi: Tình trạng, en: Status }
  - { name: verified, vi: Đã xác minh văn bản, en: Verified }
chart: { type: table }
*/
WITH retired_alone AS (
  SELECT e.from_unit AS unit
  FROM unit_events e
  WHERE e.kind = 'retire' AND e.to_unit IS NULL
)
SELECT
  u.code AS unit,
  u.name_vi AS unit_name,
  u.type AS unit_type,
  u.valid_from,
  u.valid_to,
  p.name_vi AS parent,
  u.status_vi AS status,
  u.verified
FROM units u
LEFT JOIN units p ON p.code = u.parent
LEFT JOIN retired_alone r ON r.unit = u.code
WHERE (u.valid_from <= :as_of AND u.valid_to >= :as_of OR (r.unit IS NOT NULL AND u.valid_to < :as_of))
  AND u.type IN ('department', 'police', 'commune')
ORDER BY CASE WHEN u.valid_to >= :as_of THEN 0 ELSE 1 END, u.sort_order
