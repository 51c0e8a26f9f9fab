-- first_received: when each unit's first acceptable file of values for a period arrived, for the
-- unit-periods leaders may see (at least one published row: accepted, and approved where approval
-- is required). Until then the unit has not reported, on every page: missing_submissions reads
-- the same published values (kpi_current), so a unit and period has one status. Once published,
-- timeliness is judged by the first file's arrival: a correction after the deadline to an on-time
-- report does not make it late, nor does a head returning an on-time report that is corrected.
SELECT v.unit, v.period, min(v.submitted_at) AS first_received_at
FROM kpi_accepted v
WHERE v.assessment IS NULL
GROUP BY v.unit, v.period
HAVING max(CASE WHEN v.published THEN 1 ELSE 0 END) = 1
