/*
title:
  vi: Đơn vị chưa báo cáo
  en: Units that have not reported
description:
  vi: Các đơn vị chưa có báo cáo được chấp nhận cho kỳ này, với kỳ gần nhất đã báo cáo.
  en: Units with no accepted report for the period, with the latest period they did report.
params:
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Reporting period }
columns:
  - { name: unit, vi: Mã đơn vị, en: Unit code }
  - { name: unit_name, vi: Đơn vị, en: Unit }
  - { name: unit_type, vi: Loại đơn vị, en: Unit type }
  - { name: last_period_reported, vi: Kỳ gần nhất đã báo cáo, en: Latest period reported }
  - { name: last_submitted_at, vi: Lần gửi gần nhất, en: Latest submission }
chart: { type: table }
*/
SELECT
  u.code AS unit,
  u.name_vi AS unit_name,
  u.type AS unit_type,
  (SELECT max(k.period) FROM kpi_current k
     JOIN periods p ON p.period = k.period
     JOIN periods asked ON asked.period = :period
   WHERE k.unit = u.code AND p.kind = asked.kind) AS last_period_reported,
  (SELECT max(s.submitted_at) FROM submissions s
   WHERE s.status = 'accepted' AND strpos(s.units, '"' || u.code || '"') > 0) AS last_submitted_at
FROM units u
WHERE NOT EXISTS (
  SELECT 1 FROM kpi_current k WHERE k.unit = u.code AND k.period = :period
)
ORDER BY u.sort_order
