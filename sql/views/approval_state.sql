-- approval_state: each submission's latest decision by its unit's head (approved or returned),
-- with who, when and why. A submission without one is pending (when approval is required).
WITH ranked AS (
  SELECT submission_id, unit, decision, comment, decided_by, decided_by_name, decided_at,
         row_number() OVER (PARTITION BY submission_id ORDER BY decided_at DESC) AS rn
  FROM approvals
)
SELECT submission_id, unit, decision, comment, decided_by, decided_by_name, decided_at
FROM ranked
WHERE rn = 1
