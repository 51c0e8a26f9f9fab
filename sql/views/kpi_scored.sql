-- kpi_scored: kpi_current with each value's target and whether it met it, defined once.
-- "Met" depends on the indicator's direction: higher is better (>= target) or lower (<= target).
SELECT
  k.unit,
  k.period,
  k.indicator_code,
  k.value,
  k.numerator,
  k.denominator,
  k.note,
  k.submission_id,
  k.submitted_at,
  i.target,
  i.measure,
  CASE
    WHEN k.value IS NULL THEN NULL
    WHEN i.direction = 'lower' THEN k.value <= i.target
    ELSE k.value >= i.target
  END AS met
FROM kpi_current k
JOIN indicators i ON i.code = k.indicator_code
