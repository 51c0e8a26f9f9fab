-- kpi_accepted: every row of an accepted submission (values and assessed points), with its unit's
-- approval and whether leaders may see it (`published`). With approval required, a row is
-- published once its unit's head approved it, or when it was submitted before approval was
-- turned on; a pending row is not, and a returned row never is (not even once approval is turned
-- off again: its head said it is wrong). Every view leaders read
-- (kpi_current, kpi_assessed, first_received) reads published rows only.
WITH cfg AS (
  SELECT max(CASE WHEN key = 'approval_required' THEN value END) AS required,
         max(CASE WHEN key = 'approval_required' THEN applies_from END) AS since
  FROM settings
),
accepted AS (
  SELECT DISTINCT submission_id
  FROM submissions
  WHERE status = 'accepted'
)
SELECT v.indicator_code, v.value, v.numerator, v.denominator, v.note, v.submission_id, v.source_file,
       v.source_sheet, v.source_row, v.source_column, v.submitted_at, v.ingested_at, v.assessment, v.unit, v.period,
       coalesce(a.decision, 'pending') AS approval, a.comment AS approval_comment,
       CASE
         WHEN a.decision = 'returned' THEN false
         WHEN coalesce(cfg.required, 'no') <> 'yes' THEN true
         WHEN a.decision = 'approved' THEN true
         ELSE coalesce(v.submitted_at < cfg.since, false)
       END AS published
FROM kpi_values v
JOIN accepted s ON s.submission_id = v.submission_id
CROSS JOIN cfg
LEFT JOIN approval_state a ON a.submission_id = v.submission_id AND a.unit = v.unit
