-- Pulse-survey KPIs per wave and group (docs/survey.md), from the answers `copilot-usage survey import` landed:
-- respondents, NPS (% promoters 9-10 minus % detractors 0-6, in points), the mean of each scale KPI and the hours
-- saved, beside the group's weekly active rate in the weeks of the wave. A respondent's groups are the
-- directory's at the response date (the user version current when the last report date on or before it was
-- loaded); an anonymous export's answers count for the group it names and the tenant. Of a respondent's answers
-- to one question in one wave the latest import wins; of anonymous answers, the latest import of the same file
-- name. Groups with fewer respondents than [model] min_group_size are suppressed (no KPI), and a KPI answered by
-- fewer than that is NULL: no individual answer can be read off this mart.
-- materialized: table
with params as (
    select (select min_group_size from _model_params) as min_size
),
imports as (
    select run_id, imported_at from _survey_imports
),
answers as (
    select a.*, i.imported_at
    from survey_answers a join imports i using (run_id)
),
kept as (
    select * from answers where upn_key is not null
    qualify row_number() over (partition by wave, upn_key, question order by imported_at desc) = 1
    union all
    select * from answers where upn_key is null
    qualify imported_at = max(imported_at) over (partition by wave, file_name)
),
snapshots as (
    select as_of, loaded_at from int_copilot_snapshots
),
dated as (
    -- the report date whose directory a response date reads: the last on or before it, else the first
    select d.response_date,
           coalesce((select max(as_of) from snapshots where as_of <= d.response_date),
                    (select min(as_of) from snapshots)) as as_of
    from (select distinct response_date from kept where upn_key is not null) d
),
respondent_groups as (
    -- the user version current at that load; for someone the directory did not have then (a new hire synced
    -- later, a leaver removed before), the version nearest to it
    select k.wave, k.upn_key, k.response_date, g.department, g.job_function, g.manager_team
    from (select distinct wave, upn_key, response_date from kept where upn_key is not null) k
    join dated d using (response_date)
    join snapshots s on s.as_of = d.as_of
    join int_user_groups g on g.upn_key = k.upn_key
    qualify row_number() over (
        partition by k.wave, k.upn_key, k.response_date
        order by g.valid_from <= s.loaded_at and s.loaded_at < g.valid_to desc,
                 least(abs(epoch(g.valid_from) - epoch(s.loaded_at)),
                       abs(epoch(least(g.valid_to, '9999-12-31'::timestamptz)) - epoch(s.loaded_at)))) = 1
),
grouped as (
    -- one row per answer and group it counts for
    select k.wave, k.response_date, coalesce(k.upn_key, k.run_id || ':' || k.line) as respondent, k.kpi, k.value,
           unnest(case when k.upn_key is null
                       then [{'dimension': 'tenant', 'group_name': 'Tenant'},
                             {'dimension': k.group_dimension, 'group_name': k.group_name}]
                       else group_dims(rg.department, rg.job_function, rg.manager_team) end) as g
    from kept k
    left join respondent_groups rg on rg.wave = k.wave and rg.upn_key = k.upn_key
                                  and rg.response_date = k.response_date
    where k.upn_key is null or rg.upn_key is not null
),
waves as (
    select wave, min(response_date) as wave_start, max(response_date) as wave_end from kept group by wave
),
cells as (
    select wave, g.dimension as dimension, g.group_name as group_name,
           count(distinct respondent) as respondents,
           count(*) filter (where kpi = 'nps') as nps_answers,
           count(*) filter (where kpi = 'nps' and value >= 9) as promoters,
           count(*) filter (where kpi = 'nps' and value <= 6) as detractors,
           count(*) filter (where kpi = 'satisfaction') as satisfaction_answers,
           avg(value) filter (where kpi = 'satisfaction') as satisfaction,
           count(*) filter (where kpi = 'trust') as trust_answers,
           avg(value) filter (where kpi = 'trust') as trust,
           count(*) filter (where kpi = 'competence') as competence_answers,
           avg(value) filter (where kpi = 'competence') as competence,
           count(*) filter (where kpi = 'relief') as relief_answers,
           avg(value) filter (where kpi = 'relief') as relief,
           count(*) filter (where kpi = 'hours_saved') as hours_answers,
           avg(value) filter (where kpi = 'hours_saved') as hours_saved
    from grouped
    group by all
),
usage as (
    -- the group's weekly active rate over the complete weeks the wave touches (pooled, as the headline)
    select w.wave, m.dimension, m.group_id,
           sum(m.eligible_active_users) / nullif(sum(m.eligible_users), 0) as weekly_active_rate,
           count(*) filter (where m.weekly_active_rate is not null) as usage_weeks
    from waves w
    join mart_adoption_weekly m on m.app = 'any' and m.complete_week
        and m.week_start between date_trunc('week', w.wave_start)::date and w.wave_end
    group by all
)
select
    c.wave, w.wave_start, w.wave_end, c.dimension, c.group_name as group_id,
    coalesce(ml.label, c.group_name) as group_name,
    c.respondents::integer as respondents,
    c.respondents < params.min_size as suppressed,
    case when c.respondents >= params.min_size and c.nps_answers >= params.min_size
         then round(100.0 * (c.promoters - c.detractors) / c.nps_answers, 1) end as nps,
    case when c.respondents >= params.min_size and c.nps_answers >= params.min_size
         then c.nps_answers end::integer as nps_answers,
    case when c.respondents >= params.min_size and c.satisfaction_answers >= params.min_size
         then c.satisfaction end as satisfaction,
    case when c.respondents >= params.min_size and c.trust_answers >= params.min_size then c.trust end as trust,
    case when c.respondents >= params.min_size and c.competence_answers >= params.min_size
         then c.competence end as competence,
    case when c.respondents >= params.min_size and c.relief_answers >= params.min_size then c.relief end as relief,
    case when c.respondents >= params.min_size and c.hours_answers >= params.min_size
         then c.hours_saved end as hours_saved_per_week,
    case when c.respondents >= params.min_size and c.hours_answers >= params.min_size
         then c.hours_saved * 52 / 12 end as hours_saved_per_month,
    u.weekly_active_rate
from cells c
cross join params
join waves w using (wave)
left join usage u on u.wave = c.wave and u.dimension = c.dimension and u.group_id = c.group_name
left join int_manager_labels ml on c.dimension = 'manager' and ml.manager_id = c.group_name
