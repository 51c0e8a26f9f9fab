-- kpi_pending: while the deployment requires approval, the values of accepted submissions their
-- unit's head has not approved (pending, or returned with a comment): the latest per unit,
-- period and indicator. Analysts see them marked "chưa duyệt"; leaders' pages and rankings, which
-- read kpi_current, do not.
WITH cfg AS (
  SELECT max(CASE WHEN key = 'approval_required' THEN value END) AS required FROM settings
),
waiting AS (
  SELECT v.unit, v.period, v.indicator_code, v.value, v.numerator, v.denominator, v.submission_id, v.submitted_at,
         coalesce(a.decision, 'pending') AS approval, a.comment,
         row_number() OVER (PARTITION BY v.unit, v.period, v.indicator_code ORDER BY v.submitted_at DESC, v.submission_id DESC) AS rn
  FROM kpi_values v
  JOIN submissions s ON s.submission_id = v.submission_id AND s.status = 'accepted'
  CROSS JOIN cfg
  LEFT JOIN approval_state a ON a.submission_id = v.submission_id
  WHERE cfg.required = 'yes' AND v.assessment IS NULL AND coalesce(a.decision, 'pending') <> 'approved'
)
SELECT unit, period, indicator_code, value, numerator, denominator, submission_id, submitted_at, approval, comment
FROM waiting
WHERE rn = 1
