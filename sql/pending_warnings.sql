/*
title:
  vi: Cảnh báo chất lượng của số liệu chờ duyệt
  en: Quality warnings of values waiting for approval
description:
  vi: >-
    Các cảnh báo của quality_warnings cho một đơn vị (unit) trong kỳ, tính trên số liệu đơn vị đã
    gửi kể cả số liệu còn chờ lãnh đạo đơn vị duyệt (giá trị mới nhất, chưa bị trả lại), so với
    số liệu đã duyệt của kỳ trước và của các đơn vị khác: văn thư thấy cảnh báo ngay khi gửi, lãnh
    đạo đơn vị thấy trước khi duyệt. Không dành cho lãnh đạo xem số liệu đã công bố.
  en: >-
    quality_warnings for one unit (unit) in a period, computed on what the unit sent including
    values still waiting for its head's approval (the latest, not returned), against the approved
    values of the previous period and of the other units: the clerk sees them on sending, the head
    before approving. Never for leaders, who read published values only.
audience: analysts
params:
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Reporting period }
  - name: unit
    type: unit
    description: { vi: Đơn vị, en: Unit }
columns:
  - { name: unit, vi: Mã đơn vị, en: Unit code }
  - { name: unit_name, vi: Đơn vị, en: Unit }
  - { name: indicator_code, vi: Mã chỉ số, en: Indicator code }
  - { name: indicator_name, vi: Chỉ số, en: Indicator }
  - { name: kind, vi: Loại cảnh báo, en: Kind }
  - { name: message, vi: Cảnh báo, en: Warning (Vietnamese) }
  - { name: message_en, vi: Cảnh báo (tiếng Anh), en: Warning }
  - { name: value, vi: Giá trị, en: Value }
  - { name: reference, vi: Đối chiếu, en: Compared with }
  - { name: source_file, vi: Tệp nguồn, en: Source file }
  - { name: explanation, vi: Giải trình của đơn vị, en: The unit's explanation }
  - { name: explained_at, vi: Giải trình lúc, en: Explained at }
  - { name: pending, vi: Số liệu chờ duyệt, en: Waiting for approval }
  - { name: submission_id, vi: Mã tệp, en: Submission id }
chart: { type: table }
*/

WITH cur AS (
  SELECT period, previous_period FROM periods WHERE period = :period
),
-- The same checks as quality_warnings.sql (kept alike: test/local/pendingWarnings.test.ts runs
-- both), on the period's current values with the unit's waiting ones in their place.
-- The unit's latest values still waiting (a returned one is not: its head said it is wrong).
waiting AS (
  SELECT p.unit, p.indicator_code, p.value, p.denominator, p.submission_id
  FROM kpi_pending p
  JOIN cur ON p.period = cur.period
  WHERE p.unit = :unit AND p.approval = 'pending'
),
files AS (
  SELECT DISTINCT submission_id, source_file FROM submissions
),
reviewed AS (
  SELECT k.unit, k.indicator_code, k.value, k.denominator, k.source_file, k.submission_id, false AS pending
  FROM kpi_current k
  JOIN cur ON k.period = cur.period
  LEFT JOIN waiting w ON w.unit = k.unit AND w.indicator_code = k.indicator_code
  WHERE w.unit IS NULL
  UNION ALL
  SELECT w.unit, w.indicator_code, w.value, w.denominator, f.source_file, w.submission_id, true AS pending
  FROM waiting w
  LEFT JOIN files f ON f.submission_id = w.submission_id
),
now_values AS (
  SELECT r.unit, r.indicator_code, r.value, r.denominator, r.source_file, r.submission_id, r.pending, i.measure
  FROM reviewed r
  JOIN indicators i ON i.code = r.indicator_code
  WHERE r.value IS NOT NULL
),
before_values AS (
  SELECT k.unit, k.indicator_code, k.value, k.denominator
  FROM kpi_current k
  JOIN cur ON k.period = cur.previous_period
),
jumps AS (
  SELECT n.unit, n.indicator_code, 'jump' AS kind,
         -- The Vietnamese message writes a decimal comma (-46,2), as the pages write numbers.
         'Thay đổi ' || replace(CAST(CAST(round(n.value - b.value, 1) AS DECIMAL(9, 1)) AS VARCHAR), '.', ',') || ' điểm so với kỳ trước' AS message,
         'Moved ' || CAST(CAST(round(n.value - b.value, 1) AS DECIMAL(9, 1)) AS VARCHAR) || ' points from the previous period' AS message_en,
         n.value, b.value AS reference, n.source_file, n.pending, n.submission_id
  FROM now_values n
  JOIN before_values b ON b.unit = n.unit AND b.indicator_code = n.indicator_code
  WHERE n.measure = 'percent' AND abs(n.value - b.value) > 30
),
denominators AS (
  SELECT n.unit, n.indicator_code, 'denominator' AS kind,
         'Mẫu số ' || CAST(n.denominator AS VARCHAR) || ', kỳ trước ' || CAST(b.denominator AS VARCHAR) AS message,
         'Denominator ' || CAST(n.denominator AS VARCHAR) || ', previous period ' || CAST(b.denominator AS VARCHAR) AS message_en,
         CAST(n.denominator AS DOUBLE) AS value, CAST(b.denominator AS DOUBLE) AS reference, n.source_file, n.pending, n.submission_id
  FROM now_values n
  JOIN before_values b ON b.unit = n.unit AND b.indicator_code = n.indicator_code
  WHERE b.denominator > 0 AND n.denominator IS NOT NULL
    AND (n.denominator < 0.5 * b.denominator OR n.denominator > 2 * b.denominator)
),
-- Peers: the median of each indicator's values this period, then the median absolute deviation.
ordered AS (
  SELECT unit, indicator_code, value,
         row_number() OVER (PARTITION BY indicator_code ORDER BY value) AS rn,
         count(*) OVER (PARTITION BY indicator_code) AS n
  FROM now_values
  WHERE measure = 'percent'
),
medians AS (
  SELECT indicator_code, avg(value) AS median, max(n) AS n
  FROM ordered
  WHERE rn = floor((n + 1) / 2.0) OR rn = ceil((n + 1) / 2.0)
  GROUP BY indicator_code
),
deviations AS (
  SELECT o.unit, o.indicator_code, o.value, m.median, m.n, abs(o.value - m.median) AS deviation,
         row_number() OVER (PARTITION BY o.indicator_code ORDER BY abs(o.value - m.median)) AS rn
  FROM ordered o
  JOIN medians m ON m.indicator_code = o.indicator_code
),
mads AS (
  SELECT indicator_code, avg(deviation) AS mad
  FROM deviations
  WHERE rn = floor((n + 1) / 2.0) OR rn = ceil((n + 1) / 2.0)
  GROUP BY indicator_code
),
outliers AS (
  SELECT d.unit, d.indicator_code, 'outlier' AS kind,
         'Khác xa các đơn vị cùng kỳ (trung vị ' || replace(CAST(CAST(round(d.median, 1) AS DECIMAL(9, 1)) AS VARCHAR), '.', ',') || ')' AS message,
         'Far from the other units this period (median ' || CAST(CAST(round(d.median, 1) AS DECIMAL(9, 1)) AS VARCHAR) || ')' AS message_en,
         d.value, d.median AS reference, n.source_file, n.pending, n.submission_id
  FROM deviations d
  JOIN mads m ON m.indicator_code = d.indicator_code
  JOIN now_values n ON n.unit = d.unit AND n.indicator_code = d.indicator_code
  WHERE d.n >= 8 AND m.mad > 0 AND abs(0.6745 * (d.value - d.median) / m.mad) > 3.5
),
extremes AS (
  SELECT unit, CAST(NULL AS VARCHAR) AS indicator_code, 'extremes' AS kind,
         CAST(sum(CASE WHEN value = 0 OR value = 100 THEN 1 ELSE 0 END) AS VARCHAR) || ' trên ' || CAST(count(*) AS VARCHAR) || ' tỷ lệ đúng bằng 0% hoặc 100%' AS message,
         CAST(sum(CASE WHEN value = 0 OR value = 100 THEN 1 ELSE 0 END) AS VARCHAR) || ' of ' || CAST(count(*) AS VARCHAR) || ' shares exactly 0% or 100%' AS message_en,
         CAST(sum(CASE WHEN value = 0 OR value = 100 THEN 1 ELSE 0 END) AS DOUBLE) AS value, CAST(count(*) AS DOUBLE) AS reference, max(source_file) AS source_file,
         max(CASE WHEN pending THEN 1 ELSE 0 END) = 1 AS pending, CAST(NULL AS VARCHAR) AS submission_id
  FROM now_values
  WHERE measure = 'percent'
  GROUP BY unit
  HAVING sum(CASE WHEN value = 0 OR value = 100 THEN 1 ELSE 0 END) >= 5
     AND sum(CASE WHEN value = 0 OR value = 100 THEN 1 ELSE 0 END) >= 0.8 * count(*)
),
-- The latest explanation a unit gave for each warning of the period.
explained AS (
  SELECT unit, indicator_code, kind, explanation, explained_at,
         row_number() OVER (PARTITION BY unit, indicator_code, kind ORDER BY explained_at DESC) AS rn
  FROM explanations
  WHERE period = :period
),
warnings AS (
  SELECT * FROM jumps
  UNION ALL SELECT * FROM denominators
  UNION ALL SELECT * FROM outliers
  UNION ALL SELECT * FROM extremes
)
SELECT
  w.unit,
  u.name_vi AS unit_name,
  w.indicator_code,
  i.name_vi AS indicator_name,
  w.kind,
  w.message,
  w.message_en,
  round(w.value, 2) AS value,
  round(w.reference, 2) AS reference,
  w.source_file,
  e.explanation,
  e.explained_at,
  w.pending,
  w.submission_id
FROM warnings w
JOIN units u ON u.code = w.unit
LEFT JOIN indicators i ON i.code = w.indicator_code
LEFT JOIN explained e
  ON e.rn = 1 AND e.unit = w.unit AND e.kind = w.kind AND coalesce(e.indicator_code, '') = coalesce(w.indicator_code, '')
WHERE w.unit = :unit
ORDER BY u.sort_order, i.sort_order, w.kind
