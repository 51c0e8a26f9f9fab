-- kpi_scored: kpi_current with each value's target and whether it met it, defined once.
-- The target is the one of the scoring framework in force on the period's last day for the
-- unit's type (targets change with the framework), else the indicator's default.
-- "Met" depends on the indicator's direction: higher is better (>= target) or lower (<= target).
WITH targeted AS (
  SELECT
    k.unit, k.period, k.indicator_code, k.value, k.numerator, k.denominator, k.note, k.submission_id, k.submitted_at,
    coalesce(f.target, i.target) AS target,
    i.measure,
    i.direction
  FROM kpi_current k
  JOIN indicators i ON i.code = k.indicator_code
  LEFT JOIN periods p ON p.period = k.period
  LEFT JOIN units u ON u.code = k.unit
  LEFT JOIN frameworks f
    ON f.indicator_code = k.indicator_code AND f.unit_type = u.type AND p.end_date BETWEEN f.valid_from AND f.valid_to
)
SELECT
  unit, period, indicator_code, value, numerator, denominator, note, submission_id, submitted_at, target, measure,
  CASE
    WHEN value IS NULL THEN NULL
    WHEN direction = 'lower' THEN value <= target
    ELSE value >= target
  END AS met
FROM targeted
