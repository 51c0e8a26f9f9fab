/*
title:
  vi: Xếp hạng chỉ số chuyển đổi số (DTI)
  en: Digital-transformation index (DTI) ranking
description:
  vi: >-
    Các đơn vị của danh mục tại ngày cuối kỳ, xếp theo tổng điểm trên thang 1.000 của bộ chỉ số
    có hiệu lực trong kỳ: điểm đạt trên tổng điểm tối đa các chỉ số áp dụng cho loại đơn vị, quy về
    1.000. Điểm tính từ số liệu đã báo cáo (tử số, mẫu số), không từ trung bình các tỷ lệ; điểm
    thẩm định của tỉnh thay cho điểm tính khi có, và điểm tự chấm của đơn vị được đặt bên cạnh. Thay đổi
    hạng so với kỳ trước tính trên cùng danh mục đơn vị (kỳ trước được quy đổi theo đơn vị kế thừa).
    Mỗi nhóm xếp hạng (ranking-groups.csv: các sở, ngành; các xã, phường) xếp riêng, thay đổi hạng so
    trong nhóm; đơn vị không xếp hạng (do tính chất đặc thù) được liệt kê với lý do, không có hạng;
    đơn vị chưa có số liệu nào trong kỳ không có tổng điểm (không tính là 0) và chưa xếp hạng.
  en: >-
    The units of the registry on the period's last day, ranked by total points out of 1,000 under
    the framework in force: points earned over the maximum of the components that apply to the
    unit's type, scaled to 1,000, computed from the reported counts (never a mean of shares); the
    province's appraised points replace the computed ones where given, the unit's self-assessed
    total stands beside. The
    rank change compares with the previous period restated in the same units (through lineage).
    Each ranking group (ranking-groups.csv: departments; communes and wards) is ranked on its own,
    rank changes within the group; the units not ranked are listed with their reason and no rank;
    a unit with no figure at all in the period has no total (never a 0) and no rank yet.
params:
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Reporting period }
  - name: group
    type: text
    default: ""
    description: { vi: "Nhóm xếp hạng (trống: mọi nhóm)", en: "Ranking group (empty: every group)" }
columns:
  - { name: rank, vi: "Thứ tự xếp hạng", en: "Rank" }
  - { name: ranking_group, vi: "Mã nhóm xếp hạng", en: "Ranking group code", analysts_only: true }
  - { name: ranking_group_name, vi: "Nhóm xếp hạng", en: "Ranking group" }
  - { name: unit, vi: "Mã đơn vị", en: "Unit code" }
  - { name: unit_name, vi: "Tên đơn vị", en: "Unit" }
  - { name: national_code, vi: "Mã đơn vị hành chính", en: "National unit code" }
  - { name: total_points, vi: "Tổng điểm (/1.000)", en: "Total points (of 1,000)" }
  - { name: total_points_2dp, vi: "Tổng điểm (hai chữ số thập phân, như quyết định công bố)", en: "Total points (two decimals, as a decision publishes them)", analysts_only: true }
  - { name: pillars, vi: Điểm theo trụ cột, en: Points by pillar }
  - { name: self_total_points, vi: "Tổng điểm tự chấm (/1.000)", en: "Self-assessed total (of 1,000)" }
  - { name: gap, vi: Chênh lệch tự chấm − công bố, en: Self-assessed minus published }
  - { name: appraised_components, vi: Số chỉ số đã thẩm định, en: Components appraised }
  - { name: rank_change, vi: Thay đổi hạng so với kỳ trước, en: Rank change since the previous period }
  - { name: previous_points, vi: Tổng điểm kỳ trước, en: Previous period's points }
  - { name: components_reported, vi: Số chỉ số có số liệu, en: Components reported }
  - { name: components, vi: Số chỉ số áp dụng, en: Components applicable }
  - { name: framework, vi: Bộ chỉ số, en: Framework }
  - { name: registry_status, vi: Tình trạng trong danh mục, en: Registry status }
  - { name: not_ranked_reason, vi: "Lý do không xếp hạng", en: "Why not ranked" }
chart: { type: bar, x: unit_name, y: total_points }
*/
WITH cur AS (
  SELECT period, end_date, previous_period FROM periods WHERE period = :period
),
prev AS (
  SELECT p.period, p.end_date FROM periods p JOIN cur ON p.period = cur.previous_period
),
-- The rows of dti_points for the period: each unit of the registry on its last day, each component
-- the framework in force gives its type, with its published points (the appraisal where there is one).
earned AS (
  SELECT unit, unit_name, unit_order, status_vi, unit_type, national_code, ranking_group, ranking_group_name_vi, ranking_group_order,
         ranked, not_ranked_reason, framework, pillar, pillar_name_vi, component_order, max_points, points, self_points, appraised_points
  FROM dti_points
  WHERE period = :period
),
pillar_totals AS (
  SELECT unit, pillar, max(pillar_name_vi) AS pillar_name_vi, min(component_order) AS pillar_order,
         sum(coalesce(points, 0)) AS points, sum(max_points) AS max_points
  FROM earned
  GROUP BY unit, pillar
),
pillar_slots AS (
  SELECT unit, pillar_name_vi, points, max_points, row_number() OVER (PARTITION BY unit ORDER BY pillar_order) AS slot
  FROM pillar_totals
),
pillar_text AS (
  SELECT unit, max(CASE WHEN slot = 1 THEN label END) AS p1, max(CASE WHEN slot = 2 THEN label END) AS p2,
         max(CASE WHEN slot = 3 THEN label END) AS p3, max(CASE WHEN slot = 4 THEN label END) AS p4
  FROM (
    -- Vietnamese text, so a decimal comma: 327,3/350,0 (a leader reads 327.3 as thousands).
    SELECT unit, slot, pillar_name_vi || ' ' || replace(CAST(CAST(round(points, 1) AS DECIMAL(9, 1)) AS VARCHAR), '.', ',') || '/' || replace(CAST(CAST(round(max_points, 1) AS DECIMAL(9, 1)) AS VARCHAR), '.', ',') AS label
    FROM pillar_slots
  ) labelled
  GROUP BY unit
),
totals AS (
  SELECT unit, max(unit_name) AS unit_name, min(unit_order) AS sort_order, max(status_vi) AS status_vi, max(framework) AS framework,
         max(national_code) AS national_code, max(ranking_group) AS ranking_group, max(ranking_group_name_vi) AS ranking_group_name,
         min(ranking_group_order) AS ranking_group_order, max(ranked) AS ranked, max(not_ranked_reason) AS not_ranked_reason,
         sum(max_points) AS max_points, count(*) AS components,
         count(points) AS components_reported, sum(coalesce(points, 0)) AS points,
         count(self_points) AS self_components, sum(coalesce(self_points, 0)) AS self_points, count(appraised_points) AS appraised_components
  FROM earned
  GROUP BY unit
),
-- The previous period in the same units: values restated through lineage to this period's
-- last day, scored under the framework in force then (for the unit's type of today).
previous AS (
  SELECT c.unit, round(1000.0 * sum(coalesce(k.points, 0)) / sum(f.max_points), 1) AS total_points, count(k.points) AS reported
  FROM (SELECT DISTINCT unit, unit_type FROM earned) c
  CROSS JOIN cur
  CROSS JOIN prev
  JOIN frameworks f ON f.unit_type = c.unit_type AND prev.end_date BETWEEN f.valid_from AND f.valid_to
  LEFT JOIN kpi_points k
    ON k.unit = c.unit AND k.indicator_code = f.indicator_code AND k.period = prev.period AND cur.end_date BETWEEN k.as_of_from AND k.as_of_to
  GROUP BY c.unit
),
-- Ranked within today's group of each unit, among the units ranked today: a change of rank is
-- a move among the same neighbours.
previous_ranked AS (
  SELECT p.unit, p.total_points, rank() OVER (PARTITION BY t.ranking_group ORDER BY p.total_points DESC) AS previous_rank
  FROM previous p
  JOIN totals t ON t.unit = p.unit
  WHERE p.reported > 0 AND t.ranked = 'yes'
),
scaled AS (
  SELECT t.unit, t.unit_name, t.sort_order, t.status_vi, t.framework, t.components, t.components_reported, t.appraised_components,
         t.national_code, t.ranking_group, t.ranking_group_name, t.ranking_group_order, t.ranked, t.not_ranked_reason,
         -- No point reported nor appraised: no total (never a guessed 0), no rank, the reason said.
         CASE WHEN t.components_reported > 0 THEN round(1000.0 * t.points / t.max_points, 1) END AS total_points,
         CASE WHEN t.components_reported > 0 THEN round(1000.0 * t.points / t.max_points, 2) END AS total_points_2dp,
         CASE WHEN t.ranked = 'yes' AND t.components_reported > 0 THEN 'yes' ELSE 'no' END AS rankable,
         coalesce(t.not_ranked_reason, CASE WHEN t.components_reported = 0 THEN 'Chưa có số liệu trong kỳ' END) AS not_ranked_why,
         CASE WHEN t.self_components > 0 THEN round(1000.0 * t.self_points / t.max_points, 1) END AS self_total_points
  FROM totals t
  WHERE :group = '' OR t.ranking_group = :group
),
-- Each group on its own; a unit not ranked gets no rank (and takes none from the others).
ranked AS (
  SELECT s.*, rank() OVER (PARTITION BY s.ranking_group ORDER BY s.total_points_2dp DESC) AS rank FROM scaled s WHERE s.rankable = 'yes'
  UNION ALL
  SELECT s.*, CAST(NULL AS BIGINT) AS rank FROM scaled s WHERE s.rankable <> 'yes'
)
SELECT
  r.rank,
  r.ranking_group,
  r.ranking_group_name,
  r.unit,
  r.unit_name,
  r.national_code,
  r.total_points,
  r.total_points_2dp,
  coalesce(pt.p1, '') || coalesce(' · ' || pt.p2, '') || coalesce(' · ' || pt.p3, '') || coalesce(' · ' || pt.p4, '') AS pillars,
  r.self_total_points,
  round(r.self_total_points - r.total_points, 1) AS gap,
  r.appraised_components,
  pr.previous_rank - r.rank AS rank_change,
  pr.total_points AS previous_points,
  r.components_reported,
  r.components,
  r.framework,
  r.status_vi AS registry_status,
  r.not_ranked_why AS not_ranked_reason
FROM ranked r
LEFT JOIN pillar_text pt ON pt.unit = r.unit
LEFT JOIN previous_ranked pr ON pr.unit = r.unit AND r.rank IS NOT NULL
ORDER BY r.ranking_group_order, CASE WHEN r.rank IS NULL THEN 1 ELSE 0 END, r.rank, r.sort_order
