-- Per ISO week (Monday week_start), group and app: licensed users at the week's last snapshot, weekly
-- active users, active rate, active days per active user, prompts (v2, 'any' and 'copilot_chat'),
-- breadth (apps per active user, on the 'any' row) and habit rate (active on >= 12 of the last 28 days); for
-- complete weeks also the headline's basis: users eligible for it (licensed for at least min_licensed_days at the
-- week's end), how many of them were active, and their weekly active rate (warehouse/levels.py). The v2-only apps
-- (docs/apps.md) have rows only for weeks whose every report date was collected as v2; breadth counts the apps
-- both report versions have (copilot_chat_web is inside copilot_chat), so v1 and v2 tenants compare.
-- increment: week_start >= from_week
-- order: dimension, group_name, app, week_start
with params as (
    select (select num from _model_params where name = 'min_group_size')::integer as min_size,
           (select num from _model_params where name = 'min_licensed_days')::integer as min_days
),
members as (
    select u.*, unnest(group_dims(u.department, u.job_function, u.manager_team)) as g,
           u.week_end = u.week_start + 6
               and (u.licensed_since is null or u.week_end - u.licensed_since >= params.min_days) as eligible
    from int_user_week u, params
    where in_week_scope(u.week_start)
),
population as (
    select week_start, max(week_end) as week_end, g.dimension as dimension, g.group_name as group_name,
           count(distinct upn_key) as licensed_users, count(distinct upn_key) filter (where eligible) as eligible_users
    from members group by all
),
per_user as (
    select distinct week_start, g.dimension as dimension, g.group_name as group_name, upn_key, prompts_7,
           chat_prompts_7
    from members
),
prompts as (
    select week_start, dimension, group_name, sum(prompts_7) as prompts, sum(chat_prompts_7) as chat_prompts
    from per_user group by all
),
per_app as (
    select week_start, g.dimension as dimension, g.group_name as group_name, app,
           count(*) filter (where days_in_week > 0) as active_users,
           count(*) filter (where days_in_week > 0 and eligible) as eligible_active_users,
           avg(days_in_week) filter (where days_in_week > 0) as active_days_per_active_user,
           count(*) filter (where days_in_28 >= 12) as habit_users
    from members where app is not null group by all
),
breadth as (
    select week_start, dimension, group_name, avg(n_apps) as breadth
    from (
        select week_start, g.dimension as dimension, g.group_name as group_name, upn_key,
               count(*) filter (where app <> 'any' and not v2_app(app) and days_in_week > 0) as n_apps,
               bool_or(app = 'any' and days_in_week > 0) as active
        from members where app is not null group by all
    )
    where active group by all
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
           case a.app when 'any' then pr.prompts when 'copilot_chat' then pr.chat_prompts end as prompts,
           case when a.app = 'any' then b.breadth end as breadth,
           coalesce(pa.habit_users, 0) as habit_users,
           p.eligible_users, coalesce(pa.eligible_active_users, 0) as eligible_active_users,
           p.eligible_users < params.min_size as too_few_eligible,
           p.dimension <> 'tenant' and p.licensed_users < params.min_size as suppressed
    from population p
    cross join apps a
    cross join params
    left join per_app pa using (week_start, dimension, group_name, app)
    left join prompts pr on pr.week_start = p.week_start and pr.dimension = p.dimension
                        and pr.group_name = p.group_name
    left join breadth b on b.week_start = p.week_start and b.dimension = p.dimension and b.group_name = p.group_name
    where not v2_app(a.app) or p.week_start in (select week_start from v2_weeks)
)
select
    week_start, week_end, complete_week, dimension, group_name as group_id, group_label(dimension, group_name) as group_name,
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
