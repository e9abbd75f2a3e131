-- One week's stagnation rule results for the groups of the dimensions asked for (flagged first).
select
    week_start, dimension, group_name, flagged, reason, status, champion_name, champion_email,
    eligible_users, active_users, active_rate, slope_pts_per_week, history_weeks, suppressed
from mart_stagnation
where week_start = $week_start
order by flagged desc, dimension, active_rate nulls last, group_name
