/*
title:
  vi: Các kỳ có số liệu
  en: Periods with data
description:
  vi: >-
    Mỗi kỳ có số liệu trong kho và các đơn vị đã báo cáo kỳ đó: các trang chọn kỳ từ danh sách
    này, kỳ mới nhất trước.
  en: >-
    Each period with data in the lake and the units that reported it: the pages offer their
    period pickers from this list, the latest first.
params: []
columns:
  - { name: period, vi: Mã kỳ, en: Period }
  - { name: unit, vi: Mã đơn vị, en: Unit code }
chart: { type: table }
*/
SELECT period, unit
FROM kpi_current
GROUP BY period, unit
ORDER BY period DESC, unit
