-- The monthly cost of idle Copilot licences per group and week (docs/licences.md): on the last report date of each
-- ISO week, the licensed people past [licences] grace_days with no Copilot use for inactive_days (the `idle` rule of
-- mart_licence_candidates, which the latest week's rows equal), and what their licences cost a month at
-- [licences] prices (each person's Copilot SKUs, int_licence_holders). Aggregates: a group with fewer licensed
-- people than [model] min_group_size is suppressed (no numbers); the tenant never is. Built whatever
-- [privacy] licence_views says: it names no one.
-- materialized: table
with p as (
    select grace_days, inactive_days, currency from _licence_params
),
params as (
    select (select min_group_size from _model_params) as min_size
),
bounds as (
    select min(as_of) as observed_from from int_user_snapshot
),
points as (
    select max(as_of) as as_of from int_user_snapshot group by date_trunc('week', as_of)
),
people as (
    select s.as_of, s.department, s.job_function, s.manager_team,
           coalesce(s.licensed_since, b.observed_from) as counted_from,
           case when s.any_date >= coalesce(s.licensed_since, '-infinity'::date) then s.any_date end as last_use,
           coalesce(h.monthly_price, (select default_price from _licence_params)) as monthly_price
    from int_user_snapshot s
    cross join bounds b
    left join int_licence_holders h on h.id = s.id
    where s.as_of in (select as_of from points)
),
flagged as (
    select pe.*, pe.as_of - pe.counted_from >= p.grace_days
                 and pe.as_of - coalesce(pe.last_use, pe.counted_from) >= p.inactive_days as idle
    from people pe
    cross join p
),
agg as (
    select as_of, g.dimension, g.group_name, count(*) as licensed_users, count(*) filter (where idle) as idle_licences,
           coalesce(sum(monthly_price) filter (where idle), 0) as idle_monthly_cost,
           sum(monthly_price) as licensed_monthly_cost
    from (select *, unnest(group_dims(department, job_function, manager_team)) as g from flagged)
    group by all
)
select
    a.as_of, date_trunc('week', a.as_of)::date as week_start, a.dimension, a.group_name as group_id,
    coalesce(ml.label, a.group_name) as group_name,
    a.licensed_users::integer as licensed_users,
    a.dimension <> 'tenant' and a.licensed_users < pr.min_size as suppressed,
    case when a.dimension = 'tenant' or a.licensed_users >= pr.min_size then a.idle_licences::integer end
        as idle_licences,
    case when a.dimension = 'tenant' or a.licensed_users >= pr.min_size then a.idle_monthly_cost end
        as idle_monthly_cost,
    case when a.dimension = 'tenant' or a.licensed_users >= pr.min_size then a.licensed_monthly_cost end
        as licensed_monthly_cost,
    p.currency
from agg a
cross join params pr
cross join p
left join int_manager_labels ml on a.dimension = 'manager' and ml.manager_id = a.group_name
order by a.dimension, a.group_name, a.as_of
