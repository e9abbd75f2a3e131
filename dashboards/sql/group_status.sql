-- The stagnation rule's result in one complete week for some groups of one dimension ($groups), with the
-- group's champion from the live champions table (not the copy the mart took when it was built).
select
    s.week_start, s.dimension, s.group_name, s.status, s.flagged, s.flag_kind, s.reason, s.level,
    s.active_rate, s.weekly_active_rate, s.weekly_rates, s.rate_high, s.target_rate, s.lookback_weeks,
    s.eligible_users, s.active_users, s.licensed_users, s.impact, s.weeks_flagged, s.history_weeks,
    s.department, s.suppressed,
    c.champion_name, c.champion_email
from mart_stagnation s
left join champions c on c.dimension = s.dimension and c.group_id = s.group_id
where s.dimension = $dimension and list_contains($groups::varchar[], s.group_name)
    and s.week_start = $week_start
order by s.flagged desc, s.impact desc nulls last, s.dimension, s.group_name
