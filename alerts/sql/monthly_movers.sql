-- Groups of one dimension by the change of their weekly active rate (pooled over the month's complete weeks)
-- from the month before, in points; suppressed or too-small groups are left out (no numbers for them).
with cells as (
    select group_id, arg_max(group_name, week_start) as group_name,
           sum(eligible_active_users) filter (where week_start + 3 between $first and $last)
               / nullif(sum(eligible_users) filter (where week_start + 3 between $first and $last), 0) as rate,
           sum(eligible_active_users) filter (where week_start + 3 < $first)
               / nullif(sum(eligible_users) filter (where week_start + 3 < $first), 0) as previous_rate,
           arg_max(eligible_users, week_start) as eligible_users,
           bool_or(suppressed or eligible_active_users is null) as hidden
    from mart_adoption_weekly
    where dimension = $dimension and app = 'any' and complete_week and week_start + 3 between $prev_first and $last
    group by group_id
)
select group_id, group_name, eligible_users, rate, previous_rate, (rate - previous_rate) * 100 as change_pts
from cells
where not hidden and rate is not null and previous_rate is not null
order by change_pts desc, group_name
