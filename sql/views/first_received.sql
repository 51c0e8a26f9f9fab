-- first_received: when each unit's first acceptable file for a period arrived. Timeliness is judged
-- by it: a correction after the deadline to an on-time report does not make the report late.
SELECT v.unit, v.period, min(v.submitted_at) AS first_received_at
FROM kpi_values v
JOIN submissions s ON s.submission_id = v.submission_id AND s.status = 'accepted'
WHERE v.assessment IS NULL
GROUP BY v.unit, v.period
