-- The monthly cost of idle licences per week of one dimension ('tenant' for the tenant's trend).
select as_of, week_start, dimension, group_id, group_name, licensed_users, suppressed, idle_licences,
       idle_monthly_cost, licensed_monthly_cost, currency
from mart_idle_cost
where dimension = $dimension
order by group_name, as_of
