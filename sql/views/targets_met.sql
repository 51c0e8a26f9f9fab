-- targets_met: for each unit and period with a published value, how many of the indicators its
-- type reports met their target (kpi_scored), and how many it reported, for the unit as the
-- registry had it on the period's last day. district_trend sums it per period, as that period's
-- scorecard counts; the local engine keeps it as a table, updated with the unit-periods a
-- submission or a head's decision touches, instead of scoring every value of the span again.
SELECT
  k.unit,
  k.period,
  sum(CASE WHEN k.met THEN 1 ELSE 0 END) AS targets_met,
  count(*) AS indicators_reported
FROM kpi_scored k
JOIN periods p ON p.period = k.period
JOIN units u ON u.code = k.unit AND p.end_date BETWEEN u.valid_from AND u.valid_to
JOIN indicators i ON i.code = k.indicator_code
WHERE strpos(i.reported_by, u.type) > 0
GROUP BY k.unit, k.period
