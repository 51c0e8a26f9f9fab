-- kpi_pending: while the deployment requires approval, the latest value of each unit, period and
-- indicator when it is not published (its unit's head has not approved it, or returned it with a
-- comment). Analysts see them marked "chưa duyệt"; leaders' pages and rankings, which read
-- kpi_current, do not.
WITH cfg AS (
  SELECT max(CASE WHEN key = 'approval_required' THEN value END) AS required FROM settings
),
latest AS (
  SELECT v.unit, v.period, v.indicator_code, v.value, v.numerator, v.denominator, v.submission_id, v.submitted_at,
         v.approval, v.approval_comment AS comment, v.published,
         row_number() OVER (PARTITION BY v.unit, v.period, v.indicator_code ORDER BY v.submitted_at DESC, v.submission_id DESC) AS rn
  FROM kpi_accepted v
  WHERE v.assessment IS NULL
)
-- The latest value of each indicator, when it is not published: an approved correction ends the wait.
SELECT l.unit, l.period, l.indicator_code, l.value, l.numerator, l.denominator, l.submission_id, l.submitted_at, l.approval, l.comment
FROM latest l
CROSS JOIN cfg
WHERE cfg.required = 'yes' AND l.rn = 1 AND NOT l.published
