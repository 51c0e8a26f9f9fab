-- reporting_units: the units of a type that reports something (not parents such as a province),
-- with their validity: a period expects the ones whose validity covers its last day.
SELECT u.code, u.name_vi, u.type, u.valid_from, u.valid_to, u.sort_order
FROM units u
JOIN (
  SELECT DISTINCT t.type FROM units t JOIN indicators i ON strpos(i.reported_by, t.type) > 0
) reporting ON reporting.type = u.type
