-- kpi_current: for each unit, period and indicator, the value of the latest accepted submission
-- that states it. A correction replaces what it states and keeps what it leaves blank; a value
-- withdrawn explicitly ("rút" / "withdraw" in its cell, stored as a null value) leaves the
-- indicator not reported. Every row keeps its submission, file, sheet and row; earlier values stay
-- in kpi_values (audit history). Points of self-assessments and appraisals are kpi_assessed's;
-- values waiting for their unit head's approval are kpi_pending's: where the deployment requires
-- approval only published rows count (kpi_accepted), so a correction waiting for approval leaves
-- the approved value current.
-- Written once, in SQL that DuckDB and Athena (Trino) both run.
WITH ranked AS (
  SELECT v.indicator_code, v.value, v.numerator, v.denominator, v.note, v.submission_id, v.source_file,
         v.source_sheet, v.source_row, v.submitted_at, v.ingested_at, v.source_column, v.unit, v.period,
         row_number() OVER (
           PARTITION BY v.unit, v.period, v.indicator_code
           ORDER BY v.submitted_at DESC, v.submission_id DESC
         ) AS rn
  FROM kpi_accepted v
  WHERE v.assessment IS NULL AND v.published
)
SELECT indicator_code, value, numerator, denominator, note, submission_id, source_file,
       source_sheet, source_row, submitted_at, ingested_at, source_column, unit, period
FROM ranked
WHERE rn = 1 AND value IS NOT NULL
