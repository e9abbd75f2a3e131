-- One survey wave's KPIs per group of a dimension, beside the group's weekly active rate in the wave's weeks
-- (suppressed groups have no KPI in mart_survey_kpis).
select group_name, respondents, suppressed, nps, trust, competence, relief, satisfaction, hours_saved_per_month,
       weekly_active_rate
from mart_survey_kpis
where wave = $wave and dimension = $dimension
order by suppressed, respondents desc, group_name
