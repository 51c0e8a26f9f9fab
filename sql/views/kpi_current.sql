-- kpi_current: for each unit and period, the rows of the latest accepted submission.
-- A later accepted submission for the same unit and period supersedes the earlier one wholly;
-- the earlier stays in kpi_values (audit history). Written once, in SQL that DuckDB and
-- Athena (Trino) both run: no engine-specific functions.
WITH accepted AS (
  SELECT DISTINCT v.unit, v.period, v.submission_id, s.submitted_at
  FROM kpi_values v
  JOIN submissions s ON s.submission_id = v.submission_id
  WHERE s.status = 'accepted'
),
ranked AS (
  SELECT unit, period, submission_id,
         row_number() OVER (PARTITION BY unit, period ORDER BY submitted_at DESC, submission_id DESC) AS rn
  FROM accepted
)
SELECT v.*
FROM kpi_values v
JOIN ranked r
  ON r.unit = v.unit AND r.period = v.period AND r.submission_id = v.submission_id
WHERE r.rn = 1
