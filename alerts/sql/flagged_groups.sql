-- The flagged groups of week $week with their live champion (so an import takes effect without a transform;
-- attached by group_id, which a renamed manager keeps) and the start of their flag episode: the first week of the run of consecutive flagged weeks ending at $week;
-- the most impact (people short of the target) first.
with weeks as (
    select distinct week_start from mart_stagnation where week_start <= $week
),
flagged_now as (
    select dimension, group_id from mart_stagnation where week_start = $week and flagged
),
grid as (
    select g.dimension, g.group_id, w.week_start, coalesce(s.flagged, false) as flagged
    from flagged_now g
    cross join weeks w
    left join mart_stagnation s
        on s.dimension = g.dimension and s.group_id = g.group_id and s.week_start = w.week_start
),
episodes as (
    select dimension, group_id,
           min(week_start) filter (where week_start > coalesce(last_unflagged, date '0001-01-01')) as episode_start
    from (
        select *, max(week_start) filter (where not flagged) over (partition by dimension, group_id) as last_unflagged
        from grid
    )
    group by all
)
select
    s.week_start, s.dimension, s.group_name, s.reason, s.eligible_users, s.active_users, s.active_rate,
    s.first_rate, s.slope_pts_per_week, s.history_weeks, s.target_rate, s.decline_points_per_week, s.suppressed,
    e.episode_start, c.champion_name, c.champion_email, c.manager_email,
    s.flag_kind, s.weekly_rates, s.weekly_active_rate, s.rate_high, s.impact, s.weeks_flagged, s.department,
    s.licensed_users, s.level, s.group_id
from mart_stagnation s
join episodes e on e.dimension = s.dimension and e.group_id = s.group_id
left join champions c on c.dimension = s.dimension and c.group_id = s.group_id
where s.week_start = $week and s.flagged
order by s.impact desc, s.active_rate, s.dimension, s.group_name
