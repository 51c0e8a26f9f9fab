/*
title:
  vi: Báo cáo cần lãnh đạo duyệt
  en: Reports for a head to approve
description:
  vi: >-
    Một trăm tệp đã nhận gần nhất có số liệu của đơn vị (unit; để trống: các tệp tổng hợp của
    nhiều đơn vị, do chuyên viên của tỉnh duyệt), mới nhất trước, mỗi tệp với quyết định đã có của
    từng đơn vị (chưa có quyết định: đang chờ duyệt).
  en: >-
    The hundred latest accepted files holding values of the unit (unit; blank: files of several
    units, which the province's analysts decide), newest first, each with the decisions already
    made for each unit (none: waiting for approval). A report sent before approval was switched on
    with "earlier reports approved as of that day" counts as approved (approved_on_switch: true,
    decided by whoever switched approval on), as leaders' figures (kpi_current) count it.
params:
  - name: unit
    type: text
    default: ""
    description: { vi: Mã đơn vị (để trống là tệp của nhiều đơn vị), en: Unit code (blank for files of several units) }
columns:
  - { name: submission_id, vi: Mã tệp, en: Submission id }
  - { name: source_file, vi: Tệp, en: File }
  - { name: periods, vi: Các kỳ trong tệp, en: Periods in the file }
  - { name: units, vi: Các đơn vị trong tệp, en: Units in the file }
  - { name: row_count, vi: Số giá trị, en: Values }
  - { name: submitted_at, vi: Nhận lúc, en: Received }
  - { name: decided_unit, vi: Đơn vị đã có quyết định, en: Unit decided }
  - { name: decision, vi: Quyết định, en: Decision }
  - { name: comment, vi: Ý kiến, en: Comment }
  - { name: decided_by_name, vi: Người quyết định, en: Decided by }
  - { name: approved_on_switch, vi: Đã duyệt khi bật duyệt, en: Approved when approval was switched on }
chart: { type: table }
*/
WITH files AS (
  -- DISTINCT: while Athena's compaction swaps manifests a record may be listed twice.
  SELECT DISTINCT s.submission_id, s.source_file, s.periods, s.units, s.row_count, s.submitted_at
  FROM submissions s
  WHERE s.status = 'accepted'
    AND ((:unit = '' AND strpos(s.units, ',') > 0) OR (:unit <> '' AND strpos(s.units, '"' || :unit || '"') > 0))
),
latest AS (
  SELECT f.*, row_number() OVER (ORDER BY f.submitted_at DESC, f.submission_id DESC) AS n
  FROM files f
),
approval_switch AS (
  SELECT max(CASE WHEN key = 'approval_required' THEN value END) AS required,
         max(CASE WHEN key = 'approval_required' THEN changed_by_name END) AS changed_by_name
  FROM settings
),
-- Undecided rows kpi_accepted publishes while approval is required: sent before it was switched
-- on (its rule, in one place), so approved as leaders see them.
on_switch AS (
  SELECT DISTINCT k.submission_id, k.unit
  FROM kpi_accepted k
  WHERE k.approval = 'pending' AND k.published AND (:unit = '' OR k.unit = :unit)
    AND k.submission_id IN (SELECT submission_id FROM latest WHERE n <= 100)
),
decisions AS (
  SELECT a.submission_id, a.unit, a.decision, a.comment, a.decided_by_name, false AS approved_on_switch
  FROM approval_state a
  UNION ALL
  SELECT o.submission_id, o.unit, 'approved', CAST(NULL AS VARCHAR), w.changed_by_name, true
  FROM on_switch o
  CROSS JOIN approval_switch w
  WHERE w.required = 'yes'
)
SELECT l.submission_id, l.source_file, l.periods, l.units, l.row_count, l.submitted_at,
       d.unit AS decided_unit, d.decision, d.comment, d.decided_by_name, d.approved_on_switch
FROM latest l
LEFT JOIN decisions d ON d.submission_id = l.submission_id AND (:unit = '' OR d.unit = :unit)
WHERE l.n <= 100
ORDER BY l.submitted_at DESC, l.submission_id DESC, d.unit
