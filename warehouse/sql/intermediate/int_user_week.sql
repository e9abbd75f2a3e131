-- Per ISO week (Monday start) and licensed user at the week's last snapshot: days active per app in that
-- week and in the 28 days ending on that snapshot. Users without activity have one row with app NULL.
-- materialized: incremental
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
weekly as (
    -- days active per user, app and calendar week, from the first week any 28-day window below reaches
    select upn_key, app, date_trunc('week', activity_date)::date as wk, count(*) as days
    from int_activity_days
    where activity_date between (select min(week_start) - 21 from weeks) and (select max(week_end) from weeks)
    group by all
),
aligned as (
    -- weeks whose last snapshot is their Sunday: the 28 days ending there are that week and the three before, so
    -- each week's count is spread to the four weeks it counts for and joined by equality (no range join by day)
    select p.week_start, p.upn_key, s.app,
           coalesce(sum(s.days) filter (where s.wk = p.week_start), 0) as days_in_week, sum(s.days) as days_in_28
    from population p
    join (select upn_key, app, wk, days, unnest([wk, wk + 7, wk + 14, wk + 21]) as week_start from weekly) s
      on s.week_start = p.week_start and s.upn_key = p.upn_key
    where p.week_end = p.week_start + 6
    group by all
),
unaligned as (
    -- the other weeks (the current one, still incomplete; one whose Sunday was not collected), by day
    select p.week_start, p.upn_key, a.app,
           count(*) filter (where a.activity_date >= p.week_start) as days_in_week,
           count(*) as days_in_28
    from population p
    join int_activity_days a
      on a.upn_key = p.upn_key and a.activity_date between p.week_end - 27 and p.week_end
    where p.week_end <> p.week_start + 6
    group by all
),
activity as (
    select * from aligned union all select * from unaligned
)
select p.*, a.app, coalesce(a.days_in_week, 0) as days_in_week, coalesce(a.days_in_28, 0) as days_in_28
from population p
left join activity a on a.week_start = p.week_start and a.upn_key = p.upn_key
