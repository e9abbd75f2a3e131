-- The tenant's adoption and use in a month and the month before (docs/report.md): the weekly active rate pooled
-- over the complete weeks whose Thursday falls in the month (ISO's rule), frequency, breadth and habit (only over
-- weeks with 28 days of history before their end: the habit rate of an earlier week counts too few days).
with history as (
    select min(week_start) as first_week from mart_adoption_weekly where dimension = 'tenant' and complete_week
)
select
    case when week_start + 3 between $first and $last then 'month' else 'previous' end as period,
    count(*) as weeks, min(week_start) as first_week, max(week_start) as last_week,
    sum(eligible_active_users) / nullif(sum(eligible_users), 0) as weekly_active_rate,
    avg(active_days_per_active_user) as active_days, avg(breadth) as breadth,
    avg(habit_rate) filter (where week_start >= (select first_week from history) + 21) as habit_rate,
    arg_max(licensed_users, week_start) as licensed_users, arg_max(eligible_users, week_start) as eligible_users
from mart_adoption_weekly
where dimension = 'tenant' and app = 'any' and complete_week and week_start + 3 between $prev_first and $last
group by 1
