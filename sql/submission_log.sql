/*
title:
  vi: Nhật ký tiếp nhận báo cáo
  en: Submission log
description:
  vi: Mọi tệp đã gửi trong khoảng ngày, được nhận hay bị từ chối, với số lỗi.
  en: Every file submitted between two dates, accepted or rejected, with its errors.
params:
  - name: from
    type: date
    default: today-90d
    description: { vi: Từ ngày, en: From date }
  - name: to
    type: date
    default: today
    description: { vi: Đến ngày, en: To date }
columns:
  - { name: submitted_at, vi: Thời điểm gửi, en: Submitted at }
  - { name: source_file, vi: Tệp, en: File }
  - { name: status, vi: Trạng thái, en: Status }
  - { name: units, vi: Đơn vị, en: Units }
  - { name: periods, vi: Kỳ, en: Periods }
  - { name: row_count, vi: Số giá trị, en: Values }
  - { name: error_count, vi: Số lỗi, en: Errors }
  - { name: errors, vi: Lỗi, en: Error list }
  - { name: submission_id, vi: Mã lần gửi, en: Submission id }
chart: { type: table }
*/
SELECT
  submitted_at,
  source_file,
  status,
  units,
  periods,
  row_count,
  error_count,
  errors,
  submission_id
FROM submissions
WHERE submitted_at >= CAST(:from AS TIMESTAMP)
  AND submitted_at < CAST(:to AS TIMESTAMP) + INTERVAL '1' DAY
ORDER BY submitted_at DESC, submission_id DESC
