-- Every survey wave of one group (or the tenant), oldest first: the KPI trend next to usage.
select wave, wave_start, wave_end, respondents, suppressed, nps, trust, competence, relief, satisfaction,
       hours_saved_per_month, weekly_active_rate
from mart_survey_kpis
where dimension = $dimension and group_name = $group_name
order by wave_start, wave
