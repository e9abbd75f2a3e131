-- Groups of one dimension by the change of their weekly active rate (pooled over the month's complete weeks)
-- from the month before, in points. Weeks with too few eligible people give no count and are left out of the
-- pooling; suppressed groups are left out (no numbers for them).
with weeks as (
    select group_id, group_name, week_start, eligible_users, eligible_active_users, suppressed,
           week_start + 3 >= $first as in_month
    from mart_adoption_weekly
    where dimension = $dimension and app = 'any' and complete_week and week_start + 3 between $prev_first and $last
),
cells as (
    select group_id, arg_max(group_name, week_start) as group_name,
           sum(eligible_active_users) filter (where in_month and eligible_active_users is not null)
               / nullif(sum(eligible_users) filter (where in_month and eligible_active_users is not null), 0) as rate,
           sum(eligible_active_users) filter (where not in_month and eligible_active_users is not null)
               / nullif(sum(eligible_users) filter (where not in_month and eligible_active_users is not null), 0)
               as previous_rate,
           arg_max(eligible_users, week_start) as eligible_users,
           bool_or(suppressed) as suppressed
    from weeks
    group by group_id
)
select group_id, group_name, eligible_users, rate, previous_rate, (rate - previous_rate) * 100 as change_pts
from cells
where not suppressed and rate is not null and previous_rate is not null
order by change_pts desc, group_name
