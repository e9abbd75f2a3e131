-- Per complete ISO week and group: users eligible for the stagnation rule (licensed for at least
-- min_licensed_days by the week's end), how many of them were active in the week, and the department most of
-- them are in (for a manager team or job function: where it sits, so alerts can list it under its department).
-- mart_stagnation evaluates the rule over these series.
-- materialized: incremental
-- increment: week_start >= from_week
with params as (
    select min_licensed_days as min_days
    from _model_params
),
users as (
    select u.week_start, u.upn_key, any_value(u.department) as department, any_value(u.job_function) as job_function,
           any_value(u.manager_team) as manager_team, bool_or(u.app = 'any' and u.days_in_week > 0) as active
    from int_user_week u, params
    where in_week_scope(u.week_start)
      and u.week_end = u.week_start + 6
      and (u.licensed_since is null or u.week_end - u.licensed_since >= params.min_days)
    group by u.week_start, u.upn_key
),
members as (
    select *, unnest(group_dims(department, job_function, manager_team)) as g from users
),
by_department as (
    select week_start, g.dimension as dimension, g.group_name as group_name, department, count(*) as n
    from members group by all
)
select m.week_start, m.g.dimension as dimension, m.g.group_name as group_name,
       count(*) as eligible_users,
       count(*) filter (where m.active) as active_users,
       (m.week_start - date '2000-01-03') // 7 as week_no,
       any_value(d.department) as department
from members m
left join (select week_start, dimension, group_name, first(department order by n desc, department) as department
           from by_department group by all) d
  on d.week_start = m.week_start and d.dimension = m.g.dimension and d.group_name = m.g.group_name
group by m.week_start, m.g.dimension, m.g.group_name
