-- Groups of one dimension on the latest complete week for one app: the headline (weekly active rate, pooled over
-- the lookback weeks), the one of the lookback weeks before, the change in points, counts and status.
select
    week_start, group_name, eligible_users, active_rate, previous_active_rate,
    (active_rate - previous_active_rate) * 100 as change_points, weekly_active_rate, level, status, suppressed
from mart_acceptance_heatmap
where dimension = $dimension and app = $app
order by active_rate is null, active_rate desc, group_name
