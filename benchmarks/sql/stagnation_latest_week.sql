-- Stagnation: every group of every dimension in the latest complete week, flagged first.
-- The champion from the live champions table (the mart holds none), as the dashboard's page reads it.
select s.dimension, s.group_name, s.flagged, s.status, s.reason, s.eligible_users, s.active_rate,
       s.slope_pts_per_week, c.champion_name
from mart_stagnation s
left join champions c on c.dimension = s.dimension and c.group_id = s.group_id
where s.week_start = (select max(week_start) from mart_stagnation)
order by s.flagged desc, s.dimension, s.group_name
