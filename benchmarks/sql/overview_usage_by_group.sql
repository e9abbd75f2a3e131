-- Overview: latest report date, 28-day active rate of every department for every app.
select as_of, group_name, app, licensed_users, active_users, active_rate, suppressed
from mart_usage_by_group
where as_of = (select max(as_of) from mart_usage_by_group) and window_days = 28 and dimension = 'department'
order by app, active_rate desc nulls last
