-- Per complete ISO week and group: users eligible for the stagnation rule (licensed for at least
-- min_licensed_days by the week's end) and how many of them were active in the week. mart_stagnation
-- evaluates the rule over these series.
-- increment: week_start >= from_week
with params as (
    select
        max(num) filter (where name = 'min_licensed_days')::integer as min_days
    from _model_params
),
members as (
    select u.*, unnest(group_dims(u.department, u.job_function, u.manager_team)) as g
    from int_user_week u, params
    where in_week_scope(u.week_start)
      and u.week_end = u.week_start + 6
      and (u.licensed_since is null or u.week_end - u.licensed_since >= params.min_days)
)
select week_start, g.dimension as dimension, g.group_name as group_name,
       count(distinct upn_key) as eligible_users,
       count(distinct upn_key) filter (where app = 'any' and days_in_week > 0) as active_users,
       (week_start - date '2000-01-03') // 7 as week_no
from members group by all
