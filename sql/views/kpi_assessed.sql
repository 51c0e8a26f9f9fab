-- kpi_assessed: the points a unit gave itself (assessment = 'self') and those the province gave it
-- ('appraised') for each component, from the latest accepted form that states them; both kept,
-- with the evidence note and the file. Like values, a self-assessment reaches leaders only once
-- published (approved where approval is required). The published score takes the appraised
-- points where there are any (dti_ranking, unit_scorecard).
WITH ranked AS (
  SELECT v.unit, v.period, v.indicator_code, v.assessment, v.value AS points, v.note, v.source_file, v.submission_id, v.submitted_at,
         row_number() OVER (
           PARTITION BY v.unit, v.period, v.indicator_code, v.assessment
           ORDER BY v.submitted_at DESC, v.submission_id DESC
         ) AS rn
  FROM kpi_accepted v
  WHERE v.assessment IS NOT NULL AND v.published
)
SELECT unit, period, indicator_code, assessment, points, note, source_file, submission_id, submitted_at
FROM ranked
WHERE rn = 1 AND points IS NOT NULL
