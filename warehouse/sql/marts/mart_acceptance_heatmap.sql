-- Group x app cells: the headline (warehouse/levels.py) for the latest complete ISO week, its level (cold <
-- cool_from <= cool < warm_from <= warm < target <= hot) and the headline of the lookback weeks before, so a
-- cell says the same as mart_stagnation (app 'any' takes its rate, status and impact from there); the
-- 28-day reach (Microsoft's "active") of the latest report date as a secondary figure; plus Copilot use among
-- the group's users of that app at all (from the M365 app usage report): the share of Word users who use
-- Copilot in Word says more about acceptance than the share of all licensees.
-- The dates as constants first, so the scans below skip all other dates (a subquery would not).
set variable heatmap_as_of = (select max(as_of) from int_user_snapshot);
set variable heatmap_m365_as_of = (select max(_report_refresh_date) from raw_m365_app_user_detail
                                   where _report_refresh_date <= getvariable('heatmap_as_of'));
set variable heatmap_week = (select max(week_start) from mart_stagnation);
set variable heatmap_lookback = (select lookback_weeks from _model_params);
-- materialized: table
with headline as (
    -- pooled over the lookback weeks ending at the latest complete week, and over the lookback before that
    select dimension, group_id, app,
           sum(eligible_active_users) filter (where week_start > getvariable('heatmap_week') - 7 * getvariable('heatmap_lookback'))
               / nullif(sum(eligible_users) filter (where eligible_active_users is not null and week_start >
                        getvariable('heatmap_week') - 7 * getvariable('heatmap_lookback')), 0) as active_rate,
           sum(eligible_active_users) filter (where week_start <= getvariable('heatmap_week') - 7 * getvariable('heatmap_lookback'))
               / nullif(sum(eligible_users) filter (where eligible_active_users is not null and week_start <=
                        getvariable('heatmap_week') - 7 * getvariable('heatmap_lookback')), 0) as previous_active_rate
    from mart_adoption_weekly
    where complete_week
      and week_start > getvariable('heatmap_week') - 14 * getvariable('heatmap_lookback')
      and week_start <= getvariable('heatmap_week')
    group by all
),
stagnation as (
    select * from mart_stagnation where week_start = getvariable('heatmap_week')
),
previous_stagnation as (
    select dimension, group_id, active_rate from mart_stagnation
    where week_start = getvariable('heatmap_week') - 7 * getvariable('heatmap_lookback')
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
    select * from mart_adoption_weekly where week_start = getvariable('heatmap_week')
),
cells as (
    select u.*, w.weekly_active_rate, w.eligible_users,
           case when u.suppressed then null when u.app = 'any' then st.active_rate else h.active_rate end as rate,
           case when u.suppressed then null when u.app = 'any' then ps.active_rate else h.previous_active_rate end
               as previous_rate,
           st.status, st.flagged, st.impact
    from usage u
    left join weekly w on w.dimension = u.dimension and w.group_id = u.group_id and w.app = u.app
    left join headline h on h.dimension = u.dimension and h.group_id = u.group_id and h.app = u.app
    left join stagnation st on u.app = 'any' and st.dimension = u.dimension and st.group_id = u.group_id
    left join previous_stagnation ps on u.app = 'any' and ps.dimension = u.dimension and ps.group_id = u.group_id
)
select
    u.as_of,
    getvariable('heatmap_week')::date as week_start,
    u.dimension,
    u.group_id,
    u.group_name,
    u.app,
    u.licensed_users,
    u.active_users as active_users_28d,
    u.active_rate as active_rate_28d,
    case when u.suppressed then null else u.weekly_active_rate end as weekly_active_rate,
    case when u.suppressed then 'suppressed' when u.rate is null then 'too_small' else adoption_level(u.rate) end
        as level,
    level_rank(adoption_level(u.rate)) as level_rank,
    case when u.suppressed then null else ag.app_users end::integer as app_users,
    case when u.suppressed then null else ag.copilot_app_users end::integer as copilot_app_users,
    case when u.suppressed or coalesce(ag.app_users, 0) = 0 then null
         else ag.copilot_app_users / ag.app_users end as copilot_share_of_app_users,
    u.suppressed,
    u.rate as active_rate,
    u.previous_rate as previous_active_rate,
    case when u.suppressed then null else u.eligible_users end::integer as eligible_users,
    u.status,
    u.flagged,
    u.impact
from cells u
left join app_groups ag on ag.dimension = u.dimension and ag.group_name = u.group_id and ag.app = u.app
