/*
title:
  vi: Nhật ký quản trị
  en: Administrators' log
description:
  vi: >-
    Mọi thao tác quản trị trong khoảng ngày, mới nhất trước: tạo, cấp lại, tạm khoá tài khoản;
    nhập, quay lại danh mục; đổi thiết lập; thu hồi liên kết. Ai làm, lúc nào, từ địa chỉ mạng nào.
    Chỉ dành cho quản trị viên.
  en: >-
    Every administrative action between two dates, newest first: accounts created, re-issued,
    suspended; registries imported, rolled back; settings changed; links revoked. Who, when, and
    from which network address. Administrators only.
audience: admins
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
  - { name: at, vi: Thời điểm, en: When }
  - { name: action, vi: Thao tác, en: Action }
  - { name: target, vi: Đối tượng, en: Target }
  - { name: detail, vi: Chi tiết, en: Detail }
  - { name: actor_name, vi: Người thực hiện, en: By }
  - { name: actor, vi: Tài khoản, en: Account }
  - { name: address, vi: Địa chỉ mạng, en: Address }
chart: { type: table }
*/
SELECT "at", -- quoted: a keyword in DuckDB's grammar
       action, target, detail, actor_name, actor, address
FROM admin_audit
WHERE "at" >= CAST(:from AS TIMESTAMP)
  AND "at" < CAST(:to AS TIMESTAMP) + INTERVAL '1' DAY
ORDER BY "at" DESC, actor, action
