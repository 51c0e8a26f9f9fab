-- dti_points: for each period, each unit of the registry on the period's last day and each
-- component of the framework in force then for the unit's type: the points of the values
-- (computed_points, kpi_points for the units as they reported), the points the unit gave itself
-- (self_points) and those the province gave it (appraised_points), each with its note, and the
-- published points: the appraisal where there is one, else the computed points (null while
-- neither). A row per component that applies, reported or not, so totals are over the maximum of
-- every component. dti_ranking and dti_scorecards read it: the published rule lives here only.
SELECT
  p.period, p.end_date,
  u.code AS unit, u.name_vi AS unit_name, u.sort_order AS unit_order, u.type AS unit_type, u.status_vi, u.national_code,
  u.ranking_group, u.ranking_group_name_vi, u.ranking_group_order, u.ranked, u.not_ranked_reason,
  f.framework, f.pillar, f.pillar_name_vi, f.sort_order AS component_order, f.indicator_code, f.max_points, f.rule, f.steps,
  k.value, k.points AS computed_points,
  sp.points AS self_points, sp.note AS self_note,
  ap.points AS appraised_points, ap.note AS appraisal_note,
  coalesce(ap.points, k.points) AS points
FROM periods p
JOIN units u ON p.end_date BETWEEN u.valid_from AND u.valid_to
JOIN frameworks f ON f.unit_type = u.type AND p.end_date BETWEEN f.valid_from AND f.valid_to
LEFT JOIN kpi_points k
  ON k.unit = u.code AND k.indicator_code = f.indicator_code AND k.period = p.period AND p.end_date BETWEEN k.as_of_from AND k.as_of_to
LEFT JOIN kpi_assessed sp
  ON sp.unit = u.code AND sp.period = p.period AND sp.indicator_code = f.indicator_code AND sp.assessment = 'self'
LEFT JOIN kpi_assessed ap
  ON ap.unit = u.code AND ap.period = p.period AND ap.indicator_code = f.indicator_code AND ap.assessment = 'appraised'
