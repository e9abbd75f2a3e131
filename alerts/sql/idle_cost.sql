-- The digest's idle-licence cost: the tenant and the departments (not suppressed) on the latest and the previous
-- weekly point of mart_idle_cost.
with points as (
    select distinct as_of from mart_idle_cost order by as_of desc limit 2
)
select as_of, dimension, group_name, licensed_users, idle_licences, idle_monthly_cost, currency
from mart_idle_cost
where as_of in (select as_of from points) and dimension in ('tenant', 'department') and not suppressed
order by as_of desc, idle_monthly_cost desc, group_name
