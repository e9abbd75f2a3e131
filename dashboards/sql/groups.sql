-- Groups of one dimension on a report date for one app and window, with the rate one window earlier.
with now as (
    select group_name, licensed_users, active_users, active_rate, suppressed
    from mart_usage_by_group
    where as_of = $as_of and window_days = $window_days and dimension = $dimension and app = $app
),
prev as (
    select group_name, active_rate as previous_rate, suppressed as previous_suppressed
    from mart_usage_by_group
    where as_of = $as_of - $window_days and window_days = $window_days and dimension = $dimension and app = $app
)
select
    n.group_name, n.licensed_users, n.active_users, n.active_rate,
    case when not coalesce(p.previous_suppressed, true) then p.previous_rate end as previous_rate,
    (n.active_rate - case when not coalesce(p.previous_suppressed, true) then p.previous_rate end) * 100
        as change_points,
    n.suppressed
from now n
left join prev p using (group_name)
order by n.suppressed, n.active_rate desc nulls last, n.group_name
