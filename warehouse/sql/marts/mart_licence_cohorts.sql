-- Licence cohorts per group: people whose Copilot licence was assigned in a month, and the share of them who
-- used Copilot in the 28 days ending 30, 60 and 90 days after their assignment (among those whose window is
-- observed). A share needs at least [model] min_group_size observed people; cohorts with fewer people are
-- suppressed (no numbers).
-- materialized: table
with params as (
    select (select min_group_size from _model_params) as min_size
),
rows as (
    select a.*, unnest(group_dims(a.department, a.job_function, a.manager_team)) as g
    from int_licence_assignments a
),
agg as (
    select g.dimension, g.group_name, cohort_month,
           count(*) as licensed_users,
           count(*) filter (where measured_30d) as measured_30d,
           count(*) filter (where measured_30d and active_at_30d) as active_30d,
           count(*) filter (where measured_60d) as measured_60d,
           count(*) filter (where measured_60d and active_at_60d) as active_60d,
           count(*) filter (where measured_90d) as measured_90d,
           count(*) filter (where measured_90d and active_at_90d) as active_90d
    from rows
    group by all
)
select
    a.dimension, a.group_name as group_id, coalesce(ml.label, a.group_name) as group_name, a.cohort_month,
    a.licensed_users::integer as licensed_users,
    a.licensed_users < p.min_size as suppressed,
    case when a.licensed_users >= p.min_size then a.measured_30d::integer end as measured_30d,
    case when a.licensed_users >= p.min_size and a.measured_30d >= p.min_size
         then a.active_30d / a.measured_30d end as active_30d_rate,
    case when a.licensed_users >= p.min_size then a.measured_60d::integer end as measured_60d,
    case when a.licensed_users >= p.min_size and a.measured_60d >= p.min_size
         then a.active_60d / a.measured_60d end as active_60d_rate,
    case when a.licensed_users >= p.min_size then a.measured_90d::integer end as measured_90d,
    case when a.licensed_users >= p.min_size and a.measured_90d >= p.min_size
         then a.active_90d / a.measured_90d end as active_90d_rate
from agg a
cross join params p
left join int_manager_labels ml on a.dimension = 'manager' and ml.manager_id = a.group_name
order by a.dimension, a.group_name, a.cohort_month
