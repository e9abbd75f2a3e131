-- Stagnation: every group of every dimension in the latest complete week, flagged first.
select dimension, group_name, flagged, status, reason, eligible_users, active_rate, slope_pts_per_week,
       champion_name
from mart_stagnation
where week_start = (select max(week_start) from mart_stagnation)
order by flagged desc, dimension, group_name
