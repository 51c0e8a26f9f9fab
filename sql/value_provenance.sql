/*
title:
  vi: Nguồn gốc một số liệu
  en: Where a number came from
description:
  vi: >-
    Mọi giá trị đã báo cáo cho một đơn vị, một kỳ và một chỉ số, mới nhất trước: tệp, trang, dòng,
    cột, người gửi và thời điểm gửi, kể cả giá trị còn chờ lãnh đạo đơn vị duyệt. Chỉ dành cho
    chuyên viên: không chia sẻ cho lãnh đạo.
  en: >-
    Every value stated for a unit, period and indicator, newest first: the file, sheet, row and
    column, who sent it and when, including values still waiting for their head's approval.
    Analysts only: never shared with a leader.
audience: analysts
params:
  - name: unit
    type: unit
    description: { vi: Đơn vị, en: Unit }
  - name: period
    type: period
    description: { vi: Kỳ báo cáo, en: Period }
  - name: indicator
    type: indicator
    description: { vi: Chỉ số, en: Indicator }
columns:
  - { name: value, vi: Giá trị, en: Value }
  - { name: numerator, vi: Tử số, en: Numerator }
  - { name: denominator, vi: Mẫu số, en: Denominator }
  - { name: note, vi: Ghi chú, en: Note }
  - { name: submission_id, vi: Mã lần gửi, en: Submission id }
  - { name: source_file, vi: Tệp, en: File }
  - { name: source_sheet, vi: Trang, en: Sheet }
  - { name: source_row, vi: Dòng, en: Row }
  - { name: source_column, vi: Cột, en: Column }
  - { name: submitted_at, vi: Thời điểm gửi, en: Sent at }
  - { name: submitted_by, vi: Tài khoản gửi, en: Sent by account }
chart: { type: table }
*/
SELECT DISTINCT -- DISTINCT: while Athena's compaction swaps manifests a record may be listed twice.
       v.value, v.numerator, v.denominator, v.note, v.submission_id, v.source_file, v.source_sheet,
       v.source_row, v.source_column, v.submitted_at, s.submitted_by
FROM kpi_values v
JOIN submissions s ON s.submission_id = v.submission_id
WHERE s.status = 'accepted' AND v.assessment IS NULL
  AND v.unit = :unit AND v.period = :period AND v.indicator_code = :indicator
ORDER BY v.submitted_at DESC, v.submission_id DESC
