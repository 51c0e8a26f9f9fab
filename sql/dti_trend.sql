/*
title:
  vi: Điểm chuyển đổi số của một đơn vị qua các kỳ (qua sáp nhập)
  en: One unit's DTI points over periods (across mergers)
description:
  vi: >-
    Tổng điểm trên thang 1.000 của một đơn vị qua các kỳ, theo danh mục đơn vị tại ngày as_of: số
    liệu của các đơn vị tiền thân được cộng vào đơn vị kế thừa rồi mới tính điểm, mỗi kỳ theo bộ
    chỉ số có hiệu lực của kỳ đó (không trộn hai bộ chỉ số). Cột "đã xác minh" là "no" khi kỳ đó
    dựa vào một sự kiện danh mục chưa được xác minh văn bản.
  en: >-
    A unit's total points out of 1,000 over periods, in the units of the registry on as_of: the
    values of its predecessors are added up first and then scored, each period under the
    framework in force for it (two frameworks are never mixed). "verified" is "no" where a period
    rests on a registry event not yet checked against its document.
params:
  - name: unit
    type: unit
    description: { vi: Mã đơn vị (theo danh mục tại as_of), en: Unit code (in the registry of as_of) }
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
  - { name: total_points, vi: "Tổng điểm (/1.000)", en: "Total points (of 1,000)" }
  - { name: framework, vi: Bộ chỉ số, en: Framework }
  - { name: units_reported, vi: Số đơn vị (tiền thân) có số liệu, en: Units (predecessors) with values }
  - { name: verified, vi: Đã xác minh danh mục, en: Registry verified }
chart: { type: line, x: period_label, y: total_points }
*/
WITH span AS (
  SELECT p.period, p.label_vi, p.start_date, p.end_date
  FROM periods p
  JOIN periods f ON f.period = :from
  JOIN periods t ON t.period = :to
  WHERE p.kind = f.kind AND p.start_date >= f.start_date AND p.start_date <= t.start_date
),
target_unit AS (
  SELECT code, type FROM units WHERE code = :unit
),
-- The units whose values count toward the unit on as_of, and whether their history is confirmed.
lineage AS (
  SELECT l.unit, u.verified, u.valid_from, u.valid_to
  FROM unit_lineage l
  JOIN units u ON u.code = l.unit
  WHERE l.as_of_unit = :unit AND l.from_date <= :as_of AND l.to_date >= :as_of
),
scored AS (
  SELECT s.period, max(f.framework) AS framework,
         round(1000.0 * sum(coalesce(k.points, 0)) / sum(f.max_points), 1) AS total_points,
         max(k.units_reported) AS units_reported,
         count(k.points) AS components_reported
  FROM span s
  CROSS JOIN target_unit tu
  JOIN frameworks f ON f.unit_type = tu.type AND s.end_date BETWEEN f.valid_from AND f.valid_to
  LEFT JOIN kpi_points k
    ON k.unit = :unit AND k.period = s.period AND k.indicator_code = f.indicator_code AND k.as_of_from <= :as_of AND k.as_of_to >= :as_of
  GROUP BY s.period
),
checked AS (
  SELECT s.period, min(l.verified) AS verified
  FROM span s
  JOIN lineage l ON l.valid_from <= s.end_date AND l.valid_to >= s.start_date
  GROUP BY s.period
)
SELECT
  s.period,
  s.label_vi AS period_label,
  CASE WHEN sc.components_reported > 0 THEN sc.total_points END AS total_points,
  sc.framework,
  coalesce(sc.units_reported, 0) AS units_reported,
  coalesce(c.verified, 'yes') AS verified
FROM span s
LEFT JOIN scored sc ON sc.period = s.period
LEFT JOIN checked c ON c.period = s.period
ORDER BY s.start_date
