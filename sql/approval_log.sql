/*
title:
  vi: Nhật ký duyệt báo cáo
  en: Approval log
description:
  vi: Mọi quyết định duyệt hoặc trả lại báo cáo của lãnh đạo đơn vị trong khoảng ngày, với người quyết định, thời điểm, tệp và ý kiến.
  en: Every approval or return by a unit's head in the date range, with who decided, when, the file and the comment.
params:
  - name: from
    type: date
    description: { vi: Từ ngày, en: From date }
  - name: to
    type: date
    description: { vi: Đến ngày, en: To date }
columns:
  - { name: decided_at, vi: Thời điểm, en: When }
  - { name: unit, vi: Mã đơn vị, en: Unit code }
  - { name: unit_name, vi: Đơn vị, en: Unit }
  - { name: decision, vi: Quyết định, en: Decision }
  - { name: comment, vi: Ý kiến, en: Comment }
  - { name: decided_by_name, vi: Người quyết định, en: Decided by }
  - { name: source_file, vi: Tệp, en: File }
  - { name: submission_id, vi: Mã lần nộp, en: Submission }
chart: { type: table }
*/
SELECT
  a.decided_at,
  a.unit,
  u.name_vi AS unit_name,
  a.decision,
  a.comment,
  a.decided_by_name,
  s.source_file,
  a.submission_id
FROM approvals a
JOIN units u ON u.code = a.unit
LEFT JOIN (SELECT DISTINCT submission_id, source_file FROM submissions) s ON s.submission_id = a.submission_id
WHERE CAST(a.decided_at AS DATE) BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
ORDER BY a.decided_at DESC
