-- The tenant's survey waves that ended by the month's end, newest first (mart_survey_kpis, suppressed there).
select wave, wave_start, wave_end, respondents, suppressed, nps, nps_answers, satisfaction, trust, competence,
       relief, hours_saved_per_week, hours_saved_per_month, weekly_active_rate
from mart_survey_kpis
where dimension = 'tenant' and wave_end <= $last
order by wave_start desc, wave
