-- kpi_lineage: current values restated in the units of every registry interval. For as-of dates
-- in [as_of_from, as_of_to], a unit's values count toward its successors (splits by their share):
-- counts are summed, yes/no and counts averaged by share. Rows whose interval contains the
-- period's own last day are the values as reported (one unit each, traceable to its submission).
SELECT
  l.as_of_unit AS unit,
  l.from_date AS as_of_from,
  l.to_date AS as_of_to,
  k.period,
  k.indicator_code,
  sum(k.numerator * l.share) AS numerator,
  sum(k.denominator * l.share) AS denominator,
  sum(k.value * l.share) / sum(l.share) AS mean_value,
  count(*) AS units_reported,
  count(k.denominator) AS units_with_counts,
  min(k.submission_id) AS submission_id,
  min(k.source_file) AS source_file,
  max(k.note) AS note
FROM kpi_current k
JOIN unit_lineage l ON l.unit = k.unit
GROUP BY l.as_of_unit, l.from_date, l.to_date, k.period, k.indicator_code
