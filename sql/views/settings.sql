-- settings: each deployment setting as its latest recorded change says (setting_changes keeps
-- every change with who, when and why). approval_required = 'yes' holds for reports submitted
-- from applies_from on; reports sent before it stay published.
WITH ranked AS (
  SELECT key, value, applies_from, changed_by_name, changed_at,
         row_number() OVER (PARTITION BY key ORDER BY changed_at DESC) AS rn
  FROM setting_changes
)
SELECT key, value, applies_from, changed_by_name, changed_at
FROM ranked
WHERE rn = 1
