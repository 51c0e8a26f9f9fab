/*
title:
  vi: Đơn vị chờ thẩm định điểm chuyển đổi số
  en: Units waiting for their DTI appraisal
description:
  vi: >-
    Các đơn vị đã gửi bảng tự chấm điểm của kỳ: số chỉ số thành phần đã tự chấm, số đã được tỉnh
    thẩm định, và tình trạng (chờ thẩm định, đang thẩm định, đã thẩm định).
  en: >-
    The units that sent their self-assessment for the period: how many components they assessed,
    how many the province appraised, and where the appraisal stands (waiting, begun, done).
params:
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Reporting period }
columns:
  - { name: unit, vi: "Mã đơn vị", en: "Unit code" }
  - { name: unit_name, vi: "Đơn vị", en: "Unit" }
  - { name: self_components, vi: "Số chỉ số tự chấm", en: "Components self-assessed" }
  - { name: appraised_components, vi: "Số chỉ số đã thẩm định", en: "Components appraised" }
  - { name: status, vi: "Tình trạng", en: "Status" }
  - { name: status_code, vi: "Mã tình trạng", en: "Status code" }
chart: { type: table }
*/
WITH assessed AS (
  SELECT s.unit, count(*) AS self_components, count(a.points) AS appraised_components
  FROM kpi_assessed s
  LEFT JOIN kpi_assessed a
    ON a.unit = s.unit AND a.period = s.period AND a.indicator_code = s.indicator_code AND a.assessment = 'appraised'
  WHERE s.assessment = 'self' AND s.period = :period
  GROUP BY s.unit
)
SELECT
  a.unit,
  u.name_vi AS unit_name,
  a.self_components,
  a.appraised_components,
  CASE WHEN a.appraised_components = 0 THEN 'Chờ thẩm định' WHEN a.appraised_components < a.self_components THEN 'Đang thẩm định' ELSE 'Đã thẩm định' END AS status,
  CASE WHEN a.appraised_components = 0 THEN 'waiting' WHEN a.appraised_components < a.self_components THEN 'begun' ELSE 'done' END AS status_code
FROM assessed a
JOIN units u ON u.code = a.unit
ORDER BY CASE WHEN a.appraised_components = 0 THEN 0 WHEN a.appraised_components < a.self_components THEN 1 ELSE 2 END, u.sort_order
