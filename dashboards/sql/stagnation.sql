-- One week's stagnation rule results for every group (flagged first), with the group's champion as of now.
select
    s.week_start, s.dimension, s.group_name, s.flagged, s.reason, s.status,
    c.champion_name, c.champion_email,
    s.eligible_users, s.active_users, s.active_rate, s.slope_pts_per_week, s.history_weeks, s.suppressed
from mart_stagnation s
left join champions c on c.dimension = s.dimension and c.group_id = s.group_id
where s.week_start = $week_start
order by s.flagged desc, s.dimension, s.active_rate nulls last, s.group_name
