-- Licence activation per group: of the people whose Copilot licence was assigned with a known date, how many
-- used Copilot within 14 and 30 days of the assignment, and the median days to first use (licences assigned
-- after collection began). A rate needs at least [model] min_group_size people whose window is observed;
-- groups with fewer licensed people are suppressed (no numbers).
-- materialized: table
with params as (
    select (select min_group_size from _model_params) as min_size
),
rows as (
    select a.*, unnest(group_dims(a.department, a.job_function, a.manager_team)) as g
    from int_licence_assignments a
),
agg as (
    select g.dimension, g.group_name,
           count(*) as licensed_users,
           count(*) filter (where licensed_since_source = 'first_seen') as first_seen_dates,
           count(*) filter (where measured_14d) as measured_14d,
           count(*) filter (where measured_14d and activated_14d) as activated_14d,
           count(*) filter (where measured_30d) as measured_30d,
           count(*) filter (where measured_30d and activated_30d) as activated_30d,
           count(days_to_first_use) as first_use_users,
           median(days_to_first_use) as median_days_to_first_use
    from rows
    group by all
)
select
    a.dimension, a.group_name as group_id, coalesce(ml.label, a.group_name) as group_name,
    a.licensed_users::integer as licensed_users,
    a.first_seen_dates::integer as first_seen_dates,
    a.licensed_users < p.min_size as suppressed,
    case when a.licensed_users >= p.min_size then a.measured_14d::integer end as measured_14d,
    case when a.licensed_users >= p.min_size and a.measured_14d >= p.min_size
         then a.activated_14d / a.measured_14d end as activation_14d_rate,
    case when a.licensed_users >= p.min_size then a.measured_30d::integer end as measured_30d,
    case when a.licensed_users >= p.min_size and a.measured_30d >= p.min_size
         then a.activated_30d / a.measured_30d end as activation_30d_rate,
    case when a.licensed_users >= p.min_size then a.first_use_users::integer end as first_use_users,
    case when a.licensed_users >= p.min_size and a.first_use_users >= p.min_size
         then a.median_days_to_first_use end as median_days_to_first_use
from agg a
cross join params p
left join int_manager_labels ml on a.dimension = 'manager' and ml.manager_id = a.group_name
order by a.dimension, a.group_name
