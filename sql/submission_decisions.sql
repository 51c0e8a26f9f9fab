/*
title:
  vi: Quyết định của lãnh đạo về một tệp
  en: The heads' decisions on a file
description:
  vi: >-
    Quyết định mới nhất (duyệt hoặc trả lại, với ý kiến và người quyết định) của lãnh đạo từng đơn
    vị có số liệu trong một tệp (submission: mã tệp, như trong nhật ký tiếp nhận).
  en: >-
    The latest decision (approved or returned, with the comment and who decided) of the head of
    each unit whose values a file holds (submission: its id, as in the submission log).
params:
  - name: submission
    type: text
    default: ""
    description: { vi: Mã tệp, en: Submission id }
columns:
  - { name: unit, vi: Đơn vị, en: Unit }
  - { name: decision, vi: Quyết định, en: Decision }
  - { name: comment, vi: Ý kiến, en: Comment }
  - { name: decided_by_name, vi: Người quyết định, en: Decided by }
chart: { type: table }
*/
SELECT unit, decision, comment, decided_by_name
FROM approval_state
WHERE submission_id = :submission
ORDER BY unit
