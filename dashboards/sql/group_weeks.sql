-- Weekly active rate of every group of one dimension for one app (group × week).
select week_start, group_name, licensed_users, active_users, active_rate, complete_week, suppressed
from mart_adoption_weekly
where dimension = $dimension and app = $app
order by group_name, week_start
