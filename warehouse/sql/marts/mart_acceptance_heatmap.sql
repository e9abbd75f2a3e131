-- Group x app cells for the latest report date (28-day window) and the latest week, from cold to hot,
-- plus Copilot use among the group's users of that app at all (from the M365 app usage report): the share
-- of Word users who use Copilot in Word says more about acceptance than the share of all licensees.
-- The two dates as constants first, so the scans below skip all other dates (a subquery would not).
set variable heatmap_as_of = (select max(as_of) from int_user_snapshot);
set variable heatmap_m365_as_of = (select max(_report_refresh_date) from raw_m365_app_user_detail
                                   where _report_refresh_date <= getvariable('heatmap_as_of'));
create or replace table mart_acceptance_heatmap as
with latest_week as (
    select max(week_start) as week_start from mart_adoption_weekly
),
app_report as (
    select * from stg_m365_app_user_detail where as_of = getvariable('heatmap_m365_as_of')
),
app_use as (
    select s.upn_key, s.department, s.job_function, s.manager_team, s.as_of,
           unnest([{'app': 'teams', 'uses': r.teams, 'copilot': s.teams_date > s.as_of - 28},
                   {'app': 'word', 'uses': r.word, 'copilot': s.word_date > s.as_of - 28},
                   {'app': 'excel', 'uses': r.excel, 'copilot': s.excel_date > s.as_of - 28},
                   {'app': 'powerpoint', 'uses': r.powerpoint, 'copilot': s.powerpoint_date > s.as_of - 28},
                   {'app': 'outlook', 'uses': r.outlook, 'copilot': s.outlook_date > s.as_of - 28},
                   {'app': 'onenote', 'uses': r.onenote, 'copilot': s.onenote_date > s.as_of - 28}]) as a
    from int_user_snapshot s
    join app_report r on r.upn_key = s.upn_key
    where s.as_of = getvariable('heatmap_as_of')
),
app_groups as (
    select g.dimension as dimension, g.group_name as group_name, a.app as app,
           count(*) filter (where a.uses) as app_users,
           count(*) filter (where a.uses and coalesce(a.copilot, false)) as copilot_app_users
    from (select *, unnest(group_dims(department, job_function, manager_team)) as g
          from app_use)
    group by all
),
usage as (
    select * from mart_usage_by_group where as_of = getvariable('heatmap_as_of') and window_days = 28
),
weekly as (
    select * from mart_adoption_weekly where week_start = (select week_start from latest_week)
)
select
    u.as_of,
    w.week_start,
    u.dimension,
    u.group_name,
    u.app,
    u.licensed_users,
    u.active_users as active_users_28d,
    u.active_rate as active_rate_28d,
    w.active_rate as weekly_active_rate,
    case when u.suppressed then 'suppressed' when u.active_rate < 0.2 then 'cold' when u.active_rate < 0.4 then 'cool'
         when u.active_rate < 0.6 then 'warm' else 'hot' end as level,
    case when u.suppressed then null when u.active_rate < 0.2 then 0 when u.active_rate < 0.4 then 1
         when u.active_rate < 0.6 then 2 else 3 end as level_rank,
    case when u.suppressed then null else ag.app_users end::integer as app_users,
    case when u.suppressed then null else ag.copilot_app_users end::integer as copilot_app_users,
    case when u.suppressed or coalesce(ag.app_users, 0) = 0 then null
         else ag.copilot_app_users / ag.app_users end as copilot_share_of_app_users,
    u.suppressed
from usage u
left join weekly w on w.dimension = u.dimension and w.group_name = u.group_name and w.app = u.app
left join app_groups ag on ag.dimension = u.dimension and ag.group_name = u.group_name and ag.app = u.app
