-- Tenant licensed / active users for the 7- and 28-day windows ending on a report date (all apps).
select window_days, licensed_users, active_users, active_rate
from mart_usage_by_group
where as_of = $as_of and dimension = 'tenant' and app = 'any'
order by window_days
