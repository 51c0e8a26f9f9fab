/*
title:
  vi: Các tệp báo cáo của một đơn vị
  en: A unit's report files
description:
  vi: >-
    Mỗi tệp có số liệu của đơn vị, hoặc do một tài khoản của đơn vị gửi (senders: mã các tài khoản,
    cách nhau bởi dấu phẩy), mới nhất trước: mã tiếp nhận, tệp, kết quả, mỗi kỳ với số giá trị của
    riêng đơn vị (một tệp tổng hợp của nhiều đơn vị chỉ tính giá trị của đơn vị này), và quyết định
    của lãnh đạo đơn vị: báo cáo gửi trước khi bật yêu cầu duyệt với lựa chọn "coi như đã
    duyệt" là đã duyệt (approved_on_switch: true), như số liệu lãnh đạo xem.
  en: >-
    Every file holding the unit's values or sent by one of its accounts (senders: their ids,
    comma-separated), newest first: receipt number, file, outcome, each period with the number of
    the unit's own values (a district file of several units counts this unit's only), and the
    decision of the unit's head: a report sent before approval was switched on with "earlier
    reports approved as of that day" is approved (approved_on_switch: true), as leaders'
    figures (kpi_current) count it.
params:
  - name: unit
    type: unit
    description: { vi: Đơn vị, en: Unit }
  - name: senders
    type: text
    default: ""
    description: { vi: Tài khoản của đơn vị, en: The unit's accounts }
columns:
  - { name: submission_id, vi: Mã tiếp nhận, en: Receipt number }
  - { name: source_file, vi: Tệp, en: File }
  - { name: status, vi: Kết quả, en: Outcome }
  - { name: period, vi: Kỳ báo cáo, en: Period }
  - { name: unit_values, vi: Số giá trị của đơn vị, en: The unit's values }
  - { name: file_periods, vi: Các kỳ trong tệp, en: Periods in the file }
  - { name: row_count, vi: Số giá trị cả tệp, en: Values in the file }
  - { name: error_count, vi: Số lỗi, en: Errors }
  - { name: submitted_by, vi: Người gửi, en: Sent by }
  - { name: submitted_at, vi: Thời điểm gửi, en: Sent at }
  - { name: decision, vi: Quyết định của lãnh đạo, en: The head's decision }
  - { name: comment, vi: Ý kiến của lãnh đạo, en: The head's comment }
  - { name: approved_on_switch, vi: Đã duyệt khi bật duyệt, en: Approved when approval was switched on }
  - { name: only_this_unit, vi: Tệp chỉ có số liệu của đơn vị, en: The file holds this unit's values only }
chart: { type: table }
*/
WITH listed AS (
  -- DISTINCT: while Athena's compaction swaps manifests a record may be listed twice.
  SELECT DISTINCT s.submission_id, s.source_file, s.status, s.periods, s.units, s.row_count, s.error_count, s.submitted_by, s.submitted_at
  FROM submissions s
  WHERE strpos(s.units, '"' || :unit || '"') > 0
     OR (s.submitted_by IS NOT NULL AND strpos(',' || :senders || ',', ',' || s.submitted_by || ',') > 0)
),
mine AS (
  SELECT submission_id, period, count(DISTINCT indicator_code) AS unit_values
  FROM kpi_values
  WHERE unit = :unit
  GROUP BY submission_id, period
),
approval_switch AS (
  SELECT max(CASE WHEN key = 'approval_required' THEN value END) AS required FROM settings
),
-- Undecided rows kpi_accepted publishes while approval is required: sent before it was switched
-- on (its rule, in one place), so approved as leaders see them.
on_switch AS (
  SELECT DISTINCT k.submission_id
  FROM kpi_accepted k
  CROSS JOIN approval_switch w
  WHERE k.unit = :unit AND k.approval = 'pending' AND k.published AND w.required = 'yes'
)
SELECT l.submission_id, l.source_file, l.status, m.period, m.unit_values, l.periods AS file_periods, l.row_count, l.error_count,
       l.submitted_by, l.submitted_at,
       CASE WHEN o.submission_id IS NOT NULL THEN 'approved' ELSE a.decision END AS decision, a.comment,
       o.submission_id IS NOT NULL AS approved_on_switch,
       -- The record lists a file's units once each (JSON): one entry, this unit, and the file is its own to read.
       l.units = '["' || :unit || '"]' AS only_this_unit
FROM listed l
LEFT JOIN mine m ON m.submission_id = l.submission_id
LEFT JOIN approval_state a ON a.submission_id = l.submission_id AND a.unit = :unit
LEFT JOIN on_switch o ON o.submission_id = l.submission_id
ORDER BY l.submitted_at DESC, l.submission_id DESC, m.period DESC
LIMIT 400
