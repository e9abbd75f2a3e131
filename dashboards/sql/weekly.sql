-- Weekly adoption of one group (or the tenant) per app: raw weekly active rate of eligible people (complete weeks),
-- 7-day reach, frequency, prompts, breadth, habit.
select
    week_start, week_end, complete_week, app, licensed_users, active_users, active_rate, eligible_users,
    eligible_active_users, weekly_active_rate, active_days_per_active_user, prompts,
    prompts / nullif(active_users, 0) as prompts_per_active_user, breadth, habit_rate, suppressed
from mart_adoption_weekly
where dimension = $dimension and group_name = $group_name
order by week_start, app
