-- The stagnation rule, per complete ISO week and group. A group is flagged when its weekly active rate
-- (users licensed for fewer than min_licensed_days left out) is below target and grew less than the
-- minimum slope over the lookback, or when it declined by the decline slope or more. It needs lookback
-- weeks of history first. Parameters come from [model.stagnation] via _model_params. The slope is the
-- least-squares slope of the weekly rate in percentage points per week over the lookback.
create or replace table mart_stagnation as
with params as (
    select
        max(num) filter (where name = 'target_rate') as target_rate,
        max(num) filter (where name = 'lookback_weeks')::integer as lookback_weeks,
        max(num) filter (where name = 'min_slope_points_per_week') as min_slope,
        max(num) filter (where name = 'decline_points_per_week') as decline_slope,
        max(num) filter (where name = 'min_licensed_days')::integer as min_days,
        max(num) filter (where name = 'min_group_size')::integer as min_size
    from _model_params
),
series as (
    select * from int_group_week_eligible
),
rated as (
    select *, active_users / eligible_users as active_rate from series
),
lookback as (
    select s.week_start, s.dimension, s.group_name, s.eligible_users, s.active_users, s.active_rate,
           count(h.week_start) as history_weeks,
           -- one point has no slope: NULL, not the NaN regr_slope gives; rounded because the float sums depend
           -- on the order DuckDB's threads add them, and a flag must not flip with it (1e-13 noise at a threshold); + 0.0 turns -0.0 into 0.0
           case when count(h.week_start) >= 2 then round(regr_slope(h.active_rate * 100, h.week_no), 9) + 0.0 end
               as slope_pts,
           case when count(h.week_start) >= 2 then round(regr_r2(h.active_rate * 100, h.week_no), 9) + 0.0 end as slope_r2,
           arg_min(h.active_rate, h.week_start) as first_rate
    from rated s
    cross join params p
    join rated h on h.dimension = s.dimension and h.group_name = s.group_name
                and h.week_no between s.week_no - p.lookback_weeks + 1 and s.week_no
    group by all
),
evaluated as (
    select l.*, p.*,
        l.dimension <> 'tenant' and l.eligible_users < p.min_size as suppressed,
        l.history_weeks < p.lookback_weeks as collecting,
        l.active_rate < p.target_rate and coalesce(l.slope_pts, 0) < p.min_slope as stalled,
        -- a decline must be a trend (r² >= 0.5) and a drop larger than sampling noise (two standard errors of
        -- the difference of two rates), not a noisy week in a small group
        coalesce(l.slope_pts, 0) <= -p.decline_slope and coalesce(l.slope_r2, 0) >= 0.5
            and l.first_rate - l.active_rate
                >= 2 * sqrt(2 * l.active_rate * (1 - l.active_rate) / greatest(l.eligible_users, 1)) as declined
    from lookback l, params p
)
select
    e.week_start,
    e.dimension,
    e.group_name,
    not e.suppressed and not e.collecting and (e.stalled or e.declined) as flagged,
    case
        when e.suppressed then 'not evaluated: the group is below the minimum group size'
        when e.collecting then format('collecting history: {} of {} weeks', e.history_weeks, e.lookback_weeks)
        when e.declined then format('active rate fell from {:.0f}% to {:.0f}% over {} weeks ({:+.1f} pts/week)',
                                    e.first_rate * 100, e.active_rate * 100, e.history_weeks, e.slope_pts)
        when e.stalled then format('active rate {:.0f}% for {} weeks, below target {:.0f}%, {:+.1f} pts/week',
                                   e.active_rate * 100, e.history_weeks, e.target_rate * 100, e.slope_pts)
        when e.active_rate >= e.target_rate then format('on track: active rate {:.0f}%, at or above target {:.0f}%',
                                                          e.active_rate * 100, e.target_rate * 100)
        else format('growing: active rate {:.0f}%, {:+.1f} pts/week', e.active_rate * 100, e.slope_pts)
    end as reason,
    case when e.suppressed then 'too_small' when e.collecting then 'collecting_history'
         when e.stalled or e.declined then 'flagged' else 'ok' end as status,
    c.champion_name,
    c.champion_email,
    c.manager_email,
    case when e.suppressed then null else e.eligible_users end::integer as eligible_users,
    case when e.suppressed then null else e.active_users end::integer as active_users,
    case when e.suppressed then null else e.active_rate end as active_rate,
    case when e.suppressed then null else e.first_rate end as first_rate,
    case when e.suppressed then null else e.slope_pts end as slope_pts_per_week,
    e.history_weeks::integer as history_weeks,
    e.target_rate,
    e.lookback_weeks,
    e.min_slope as min_slope_points_per_week,
    e.decline_slope as decline_points_per_week,
    e.suppressed
from evaluated e
left join champions c on c.dimension = e.dimension and c.group_name = e.group_name
