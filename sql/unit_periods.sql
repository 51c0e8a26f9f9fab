/*
title:
  vi: Các kỳ báo cáo của một đơn vị
  en: A unit's reporting periods
description:
  vi: >-
    Các kỳ mà đơn vị phải báo cáo (theo lịch báo cáo, trong thời gian đơn vị tồn tại), mỗi kỳ với
    tình trạng (bị trả lại, quá hạn, đến hạn, đang trong kỳ, chờ duyệt, đã duyệt, đã nhận), hạn nộp,
    số ngày trễ hoặc quá hạn tính đến ngày as_of, và lần gửi gần nhất. Kỳ cần gửi ngay đứng đầu.
    Tám kỳ gần nhất, cùng mọi kỳ quá hạn hoặc bị trả lại, từ kỳ đầu tiên có số liệu trong kho.
  en: >-
    The periods the unit must report (by the reporting calendar, while the unit exists), each with
    its state (returned, overdue, due, open, waiting for approval, approved, received), deadline,
    days late or overdue as of as_of, and the latest file sent. The one to send now comes first.
    The eight latest periods, and every overdue or returned one, from the first period in the lake.
params:
  - name: unit
    type: unit
    description: { vi: Đơn vị, en: Unit }
  - name: as_of
    type: date
    default: today
    description: { vi: Tính đến ngày, en: As of }
columns:
  - { name: period, vi: Mã kỳ, en: Period code }
  - { name: period_label, vi: Kỳ báo cáo, en: Period }
  - { name: status, vi: Tình trạng, en: State }
  - { name: deadline, vi: Hạn nộp, en: Deadline }
  - { name: days_late, vi: Số ngày trễ / quá hạn, en: Days late / overdue }
  - { name: days_left, vi: Số ngày còn lại đến hạn, en: Days left to the deadline }
  - { name: first_received_at, vi: Nhận tệp đầu tiên lúc, en: First file received }
  - { name: last_submission_id, vi: Mã tiếp nhận gần nhất, en: Latest receipt number }
  - { name: comment, vi: Ý kiến của lãnh đạo, en: The head's comment }
  - { name: decided_by_name, vi: Người trả lại, en: Returned by }
  - { name: status_code, vi: Mã tình trạng, en: State code }
chart: { type: table }
*/
WITH unit AS (
  SELECT code, valid_from, valid_to FROM reporting_units WHERE code = :unit
),
-- The kinds of period the unit reports: quarters, and any other kind it has sent values for.
kinds AS (
  SELECT 'quarter' AS kind
  UNION
  SELECT DISTINCT p.kind FROM kpi_values v JOIN periods p ON p.period = v.period
  WHERE v.unit = :unit AND v.assessment IS NULL
),
-- Reporting began with the lake's first period: none before it is owed (an empty lake owes only
-- the periods whose deadline has not passed).
program AS (
  SELECT min(p.start_date) AS first_start FROM kpi_values v JOIN periods p ON p.period = v.period
),
asked AS (
  SELECT p.period, p.label_vi, p.start_date, p.end_date, c.deadline, c.deadline_end_utc,
         row_number() OVER (ORDER BY p.start_date DESC, p.end_date DESC) AS recency
  FROM periods p
  JOIN kinds k ON k.kind = p.kind
  JOIN reporting_calendar c ON c.period = p.period
  CROSS JOIN unit u
  CROSS JOIN program g
  WHERE CAST(p.start_date AS DATE) <= CAST(:as_of AS DATE)
    AND (p.start_date >= g.first_start OR CAST(c.deadline AS DATE) >= CAST(:as_of AS DATE))
    AND p.end_date >= u.valid_from AND p.start_date <= u.valid_to
),
-- Every accepted value of the unit: published (leaders see it), or waiting, or returned.
sent AS (
  SELECT a.period,
         max(a.submission_id) AS last_submission_id,
         max(CASE WHEN a.published AND a.approval = 'approved' THEN 1 ELSE 0 END) AS approved
  FROM kpi_accepted a
  WHERE a.unit = :unit AND a.assessment IS NULL
  GROUP BY a.period
),
-- The latest value of each indicator when it is not published (only while approval is required).
waiting AS (
  SELECT k.period,
         max(CASE WHEN k.approval = 'returned' THEN k.submission_id END) AS returned_submission,
         max(CASE WHEN k.approval <> 'returned' THEN 1 ELSE 0 END) AS pending,
         min(k.submitted_at) AS first_waiting_at
  FROM kpi_pending k
  WHERE k.unit = :unit
  GROUP BY k.period
),
judged AS (
  SELECT a.period, a.label_vi, a.start_date, a.deadline, a.recency, f.first_received_at, s.last_submission_id,
         r.comment, r.decided_by_name,
         CASE
           WHEN w.returned_submission IS NOT NULL THEN 'returned'
           WHEN coalesce(w.pending, 0) = 1 THEN 'waiting'
           WHEN f.first_received_at IS NOT NULL AND s.approved = 1 THEN 'approved'
           WHEN f.first_received_at IS NOT NULL THEN 'received'
           WHEN CAST(:as_of AS DATE) > CAST(a.deadline AS DATE) THEN 'late'
           WHEN CAST(:as_of AS DATE) > CAST(a.end_date AS DATE) THEN 'due'
           ELSE 'open'
         END AS status_code,
         CASE
           WHEN f.first_received_at IS NOT NULL AND f.first_received_at > a.deadline_end_utc
             THEN CAST(ceil(date_diff('second', a.deadline_end_utc, f.first_received_at) / 86400.0) AS BIGINT)
           WHEN f.first_received_at IS NULL AND w.first_waiting_at IS NOT NULL AND w.first_waiting_at > a.deadline_end_utc
             THEN CAST(ceil(date_diff('second', a.deadline_end_utc, w.first_waiting_at) / 86400.0) AS BIGINT)
           WHEN f.first_received_at IS NULL AND w.first_waiting_at IS NULL AND CAST(:as_of AS DATE) > CAST(a.deadline AS DATE)
             THEN date_diff('day', CAST(a.deadline AS DATE), CAST(:as_of AS DATE))
           ELSE 0
         END AS days_late,
         CASE
           WHEN CAST(:as_of AS DATE) <= CAST(a.deadline AS DATE) THEN date_diff('day', CAST(:as_of AS DATE), CAST(a.deadline AS DATE))
         END AS days_left
  FROM asked a
  LEFT JOIN first_received f ON f.unit = :unit AND f.period = a.period
  LEFT JOIN sent s ON s.period = a.period
  LEFT JOIN waiting w ON w.period = a.period
  LEFT JOIN approval_state r ON r.submission_id = w.returned_submission AND r.unit = :unit
)
SELECT
  period,
  label_vi AS period_label,
  CASE status_code
    WHEN 'returned' THEN 'Bị trả lại'
    WHEN 'late' THEN 'Quá hạn, chưa nộp'
    WHEN 'due' THEN 'Đến hạn nộp'
    WHEN 'open' THEN 'Đang trong kỳ'
    WHEN 'waiting' THEN 'Chờ lãnh đạo duyệt'
    WHEN 'approved' THEN 'Đã duyệt'
    ELSE 'Đã nhận'
  END AS status,
  deadline,
  days_late,
  days_left,
  first_received_at,
  last_submission_id,
  comment,
  decided_by_name,
  status_code
FROM judged
WHERE recency <= 8 OR status_code IN ('returned', 'late')
ORDER BY CASE status_code WHEN 'returned' THEN 0 WHEN 'late' THEN 1 WHEN 'due' THEN 2 WHEN 'open' THEN 3 WHEN 'waiting' THEN 4 ELSE 5 END, start_date DESC
