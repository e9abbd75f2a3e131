-- A survey group below the minimum respondents shows no KPI (mart_survey_kpis), and no KPI rests on fewer
-- answers than that.
select wave, dimension, group_id from mart_survey_kpis
where (suppressed and (nps is not null or satisfaction is not null or trust is not null or competence is not null
                       or relief is not null or hours_saved_per_week is not null or hours_saved_per_month is not null))
   or nps_answers < (select min_group_size from _model_params)
