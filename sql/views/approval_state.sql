-- approval_state: for each submission and each unit it reports for, the latest decision of that
-- unit's head (or of an analyst for a file of several units): approved or returned, with who,
-- when and why. A file of several units is decided unit by unit; without a decision a unit's rows
-- are pending (when approval is required).
WITH ranked AS (
  SELECT submission_id, unit, decision, comment, decided_by, decided_by_name, decided_at,
         row_number() OVER (PARTITION BY submission_id, unit ORDER BY decided_at DESC) AS rn
  FROM approvals
)
SELECT submission_id, unit, decision, comment, decided_by, decided_by_name, decided_at
FROM ranked
WHERE rn = 1
