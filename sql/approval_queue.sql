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
    made for each unit (none: waiting for approval).
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
)
SELECT l.submission_id, l.source_file, l.periods, l.units, l.row_count, l.submitted_at,
       a.unit AS decided_unit, a.decision, a.comment, a.decided_by_name
FROM latest l
LEFT JOIN approval_state a ON a.submission_id = l.submission_id AND (:unit = '' OR a.unit = :unit)
WHERE l.n <= 100
ORDER BY l.submitted_at DESC, l.submission_id DESC, a.unit
