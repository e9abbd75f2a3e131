-- Per ISO week (Monday week_start), group and app: licensed users at the week's last snapshot, weekly
-- active users, active rate, active days per active user, prompts (v2, 'any' and 'copilot_chat'),
-- breadth (apps per active user, on the 'any' row) and habit rate (active on >= 12 of the last 28 days); for
-- complete weeks also the headline's basis: users eligible for it (licensed for at least min_licensed_days at the
-- week's end), how many of them were active, and their weekly active rate (warehouse/levels.py). The v2-only apps
-- (docs/apps.md) have rows only for weeks whose every report date was collected as v2; breadth counts the apps
-- both report versions have (copilot_chat_web is inside copilot_chat), so v1 and v2 tenants compare.
-- materialized: incremental
-- increment: week_start >= from_week
-- order: dimension, group_name, app, week_start
with params as (
    select (select min_group_size from _model_params) as min_size,
           (select min_licensed_days from _model_params) as min_days
),
rows as (
    -- int_user_week: one row per week, licensed user and app (app NULL for a user without activity)
    select u.*,
           u.week_end = u.week_start + 6
               and (u.licensed_since is null or u.week_end - u.licensed_since >= params.min_days) as eligible
    from int_user_week u, params
    where in_week_scope(u.week_start)
),
users as (
    -- one row per week and licensed user: what the group counts need, so that no count is a distinct one
    select week_start, upn_key, any_value(week_end) as week_end, any_value(department) as department,
           any_value(job_function) as job_function, any_value(manager_team) as manager_team,
           bool_or(eligible) as eligible, any_value(prompts_7) as prompts_7,
           any_value(chat_prompts_7) as chat_prompts_7,
           count(*) filter (where app <> 'any' and not v2_app(app) and days_in_week > 0) as n_apps,
           bool_or(app = 'any' and days_in_week > 0) as active
    from rows group by week_start, upn_key
),
population as (
    -- the four dimensions as grouping sets (group_dims' order): no row is repeated per dimension
    select week_start,
           grouped_dimension(grouping(department, job_function, manager_team)) as dimension,
           coalesce(department, job_function, manager_team, 'Tenant') as group_name,
           max(week_end) as week_end, count(*) as licensed_users, count(*) filter (where eligible) as eligible_users,
           sum(prompts_7) as prompts, sum(chat_prompts_7) as chat_prompts,
           avg(n_apps) filter (where active) as breadth
    from users
    group by grouping sets ((week_start), (week_start, department), (week_start, job_function),
                            (week_start, manager_team))
),
per_app as (
    select week_start, app,
           grouped_dimension(grouping(department, job_function, manager_team)) as dimension,
           coalesce(department, job_function, manager_team, 'Tenant') as group_name,
           count(*) filter (where days_in_week > 0) as active_users,
           count(*) filter (where days_in_week > 0 and eligible) as eligible_active_users,
           avg(days_in_week) filter (where days_in_week > 0) as active_days_per_active_user,
           count(*) filter (where days_in_28 >= 12) as habit_users
    from rows where app is not null
    group by grouping sets ((week_start, app), (week_start, app, department), (week_start, app, job_function),
                            (week_start, app, manager_team))
),
apps as (
    select unnest(['any', 'teams', 'word', 'excel', 'powerpoint', 'outlook', 'onenote', 'loop', 'copilot_chat',
                   'copilot_chat_web', 'm365_copilot_app', 'edge', 'agents']) as app
),
v2_weeks as (
    -- weeks whose every identified report date is a v2 one: only they reconstruct the v2-only apps' active days
    select date_trunc('week', as_of)::date as week_start
    from int_copilot_snapshots
    where not concealed and in_week_scope(as_of)
    group by 1
    having bool_and(v2_apps)
),
cells as (
    select p.week_start, p.week_end, p.week_end = p.week_start + 6 as complete_week, p.dimension, p.group_name,
           a.app, p.licensed_users,
           coalesce(pa.active_users, 0) as active_users, pa.active_days_per_active_user,
           case a.app when 'any' then p.prompts when 'copilot_chat' then p.chat_prompts end as prompts,
           case when a.app = 'any' then p.breadth end as breadth,
           coalesce(pa.habit_users, 0) as habit_users,
           p.eligible_users, coalesce(pa.eligible_active_users, 0) as eligible_active_users,
           p.eligible_users < params.min_size as too_few_eligible,
           p.dimension <> 'tenant' and p.licensed_users < params.min_size as suppressed
    from population p
    cross join apps a
    cross join params
    left join per_app pa using (week_start, dimension, group_name, app)
    where not v2_app(a.app) or p.week_start in (select week_start from v2_weeks)
)
select
    week_start, week_end, complete_week, dimension, group_name as group_id, coalesce(ml.label, group_name) as group_name,
    app, licensed_users::integer as licensed_users,
    case when suppressed then null else active_users end::integer as active_users,
    case when suppressed or licensed_users = 0 then null else active_users / licensed_users end as active_rate,
    case when suppressed then null else active_days_per_active_user end as active_days_per_active_user,
    case when suppressed then null else prompts end::bigint as prompts,
    case when suppressed then null else breadth end as breadth,
    case when suppressed or licensed_users = 0 then null else habit_users / licensed_users end as habit_rate,
    suppressed,
    case when suppressed or not complete_week then null else eligible_users end::integer as eligible_users,
    case when suppressed or not complete_week or too_few_eligible then null else eligible_active_users end::integer
        as eligible_active_users,
    case when suppressed or not complete_week or too_few_eligible or eligible_users = 0 then null
         else eligible_active_users / eligible_users end as weekly_active_rate
from cells
left join int_manager_labels ml on dimension = 'manager' and ml.manager_id = group_name
