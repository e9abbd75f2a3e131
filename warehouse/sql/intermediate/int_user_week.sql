-- Per ISO week (Monday start) and licensed user at the week's last snapshot: days active per app in that
-- week and in the 28 days ending on that snapshot. Users without activity have one row with app NULL.
-- increment: week_start >= from_week
with weeks as (
    select date_trunc('week', as_of)::date as week_start, max(as_of) as week_end
    from (select distinct as_of from int_user_snapshot where in_week_scope(as_of))
    group by 1
),
population as (
    select w.week_start, w.week_end, s.upn_key, s.department, s.job_function, s.manager_team, s.licensed_since,
           s.prompts_7, s.chat_prompts_7
    from weeks w
    join int_user_snapshot s on s.as_of = w.week_end
),
activity as (
    select p.week_start, p.upn_key, a.app,
           count(*) filter (where a.activity_date >= p.week_start) as days_in_week,
           count(*) as days_in_28
    from population p
    join int_activity_days a
      on a.upn_key = p.upn_key and a.activity_date between p.week_end - 27 and p.week_end
    group by all
)
select p.*, a.app, coalesce(a.days_in_week, 0) as days_in_week, coalesce(a.days_in_28, 0) as days_in_28
from population p
left join activity a on a.week_start = p.week_start and a.upn_key = p.upn_key
