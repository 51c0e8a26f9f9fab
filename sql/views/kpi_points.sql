-- kpi_points: the points each value earns under the scoring framework in force on its period's
-- last day, for the unit's type. Computed here once, for both engines, from the values (never
-- from averaged percentages): ratio = numerator / denominator x max points (the share reported
-- where there are no counts); boolean = max points for yes; steps = the points of the highest
-- threshold the value reaches, 0 below them all. A value the framework does not score has no row.
-- Rows are per registry interval as in kpi_lineage: take the one containing the date whose units
-- you want (the period's own last day for the units as they reported).
WITH valued AS (
  SELECT
    v.unit, v.as_of_from, v.as_of_to, v.period, v.indicator_code, v.numerator, v.denominator,
    v.units_reported, v.submission_id, v.source_file, v.note,
    f.framework, f.pillar, f.pillar_name_vi, f.rule, f.max_points,
    CASE
      WHEN i.measure = 'percent' AND v.units_with_counts = v.units_reported AND v.denominator > 0
        THEN 100.0 * v.numerator / v.denominator
      ELSE v.mean_value
    END AS value
  FROM kpi_lineage v
  JOIN periods p ON p.period = v.period
  JOIN units u ON u.code = v.unit
  JOIN indicators i ON i.code = v.indicator_code
  JOIN frameworks f
    ON f.indicator_code = v.indicator_code AND f.unit_type = u.type AND p.end_date BETWEEN f.valid_from AND f.valid_to
),
stepped AS (
  SELECT d.unit, d.as_of_from, d.period, d.indicator_code, max(s.points) AS points
  FROM valued d
  JOIN framework_steps s ON s.framework = d.framework AND s.indicator_code = d.indicator_code AND d.value >= s.at_least
  WHERE d.rule = 'steps'
  GROUP BY d.unit, d.as_of_from, d.period, d.indicator_code
)
SELECT
  d.unit, d.as_of_from, d.as_of_to, d.period, d.indicator_code, d.framework, d.pillar, d.pillar_name_vi, d.rule, d.max_points,
  d.value, d.numerator, d.denominator, d.units_reported, d.submission_id, d.source_file, d.note,
  CASE
    WHEN d.rule = 'ratio' THEN d.max_points * (CASE WHEN d.value >= 100 THEN 1.0 WHEN d.value <= 0 THEN 0.0 ELSE d.value / 100.0 END)
    WHEN d.rule = 'boolean' THEN d.max_points * (CASE WHEN d.value >= 1 THEN 1.0 WHEN d.value <= 0 THEN 0.0 ELSE d.value END)
    ELSE coalesce(s.points, 0.0)
  END AS points
FROM valued d
LEFT JOIN stepped s
  ON s.unit = d.unit AND s.as_of_from = d.as_of_from AND s.period = d.period AND s.indicator_code = d.indicator_code
