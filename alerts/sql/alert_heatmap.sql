-- The alert heatmap: the headline (weekly active rate: eligible people active in a complete week, pooled over
-- the $lookback weeks ending at $week) per group and app, for the groups in $groups (a list of
-- [dimension, group_name]). For the latest complete week it is mart_acceptance_heatmap's own number, so the
-- mail and the dashboard agree exactly; for an earlier week, app 'any' is mart_stagnation's rate of that week (the
-- mail's own number) and the other apps are pooled from mart_adoption_weekly the same way (judged weeks only).
-- `hidden` is 'suppressed' (privacy) or 'too_small' (fewer eligible than $min_size): such cells carry no rate.
with latest as (
    select max(week_start) as week_start from mart_acceptance_heatmap
),
heat as (
    select h.dimension, h.group_name, h.app, h.eligible_users,
           case when h.suppressed or h.level in ('suppressed', 'too_small') then null else h.active_rate end
               as active_rate,
           case when h.suppressed or h.level = 'suppressed' then 'suppressed'
                when h.level = 'too_small' then 'too_small' end as hidden
    from mart_acceptance_heatmap h
    where h.week_start = $week and $week = (select week_start from latest)
      and list_contains($groups, [h.dimension, h.group_name])
),
pooled as (
    select a.dimension, a.group_name, a.app,
           max(a.eligible_users) filter (where a.week_start = $week) as eligible_users,
           bool_or(a.suppressed) filter (where a.week_start = $week) as suppressed_now,
           sum(a.eligible_active_users)
               / nullif(sum(a.eligible_users) filter (where a.eligible_active_users is not null), 0) as rate
    from mart_adoption_weekly a
    where $week is distinct from (select week_start from latest)
      and a.week_start between $week - 7 * ($lookback - 1) and $week
      and list_contains($groups, [a.dimension, a.group_name])
    group by all
),
computed as (
    select p.dimension, p.group_name, p.app, p.eligible_users,
           case when p.suppressed_now or coalesce(p.eligible_users, 0) < $min_size then null
                when p.app = 'any' then s.active_rate else p.rate end as active_rate,
           case when p.suppressed_now then 'suppressed'
                when coalesce(p.eligible_users, 0) < $min_size then 'too_small' end as hidden
    from pooled p
    left join mart_stagnation s on p.app = 'any' and s.week_start = $week and s.dimension = p.dimension
                               and s.group_name = p.group_name
)
select dimension, group_name, app, eligible_users, active_rate, hidden from heat
union all
select dimension, group_name, app, eligible_users, active_rate, hidden from computed
order by dimension, group_name, app
