-- The stagnation rule, per complete ISO week and group, over the headline metric (warehouse/levels.py): the
-- weekly active rate of eligible people (licensed for at least min_licensed_days), pooled over the last
-- lookback_weeks complete weeks (active person-weeks / eligible person-weeks) = `active_rate`.
--
-- A group is judged on the evidence of the whole lookback, not one week, with an allowance for how much a
-- group of its size moves from week to week:
--   below    the upper confidence bound of active_rate (`rate_high`: Wilson, at [model.stagnation] confidence,
--            on an effective sample that is the larger of the binomial and the observed week-to-week
--            variance) is below target_rate;
--   growing  the trend over trend_weeks (least squares, points per week) is at least min_slope_points_per_week,
--            clearly above zero (the same confidence) and reaches the target within horizon_weeks;
--   falling  the trend over the lookback is decline_points_per_week or steeper, consistent (r² >= 0.5) and more
--            than two standard errors below zero, in this week and the week before (one bad week is no trend).
-- A group flags when it is below and not growing, or falling; a flag persists (no flapping week to week)
-- until the group is back at or above the target or growing towards it, and not falling. So a group flagged
-- below target is never 'hot' (at or above the target) in that week; one flagged for falling may be, and its
-- reason says so. Parameters come from [model.stagnation] via _model_params.
create or replace table mart_stagnation as
with params as (
    select
        max(num) filter (where name = 'target_rate') as target_rate,
        max(num) filter (where name = 'lookback_weeks')::integer as lookback_weeks,
        max(num) filter (where name = 'trend_weeks')::integer as trend_weeks,
        max(num) filter (where name = 'horizon_weeks')::integer as horizon_weeks,
        max(num) filter (where name = 'min_slope_points_per_week') as min_slope,
        max(num) filter (where name = 'decline_points_per_week') as decline_slope,
        max(num) filter (where name = 'min_group_size')::integer as min_size,
        max(num) filter (where name = 'z') as z,
        max(num) filter (where name = 'z_decline') as z_decline
    from _model_params
),
series as (
    select e.*, e.active_users / e.eligible_users as week_rate, w.licensed_users
    from int_group_week_eligible e
    left join mart_adoption_weekly w
        on w.dimension = e.dimension and w.group_name = e.group_name and w.app = 'any' and w.week_start = e.week_start
),
windows as (
    -- each week with the weeks of its lookback (lb) and of its trend window (tr)
    select s.*, h.week_no as h_week_no, h.week_rate as h_rate, h.active_users as h_active,
           h.eligible_users as h_eligible, h.week_no > s.week_no - p.lookback_weeks as in_lb
    from series s
    cross join params p
    join series h on h.dimension = s.dimension and h.group_name = s.group_name
                 and h.week_no between s.week_no - p.trend_weeks + 1 and s.week_no
),
stats as (
    -- rounded where float sums depend on the order DuckDB's threads add them: a flag must not flip with it
    select week_start, dimension, group_name, week_no, eligible_users, active_users, week_rate, licensed_users,
           department,
           count(*) filter (where in_lb) as history_weeks,
           sum(h_active) filter (where in_lb) as active_pw,
           sum(h_eligible) filter (where in_lb) as eligible_pw,
           list(h_rate order by h_week_no) filter (where in_lb) as weekly_rates,
           arg_min(h_rate, h_week_no) filter (where in_lb) as first_rate,
           round(coalesce(var_samp(h_rate) filter (where in_lb), 0), 12) as rate_var,
           case when count(*) filter (where in_lb) >= 2
                then round(regr_slope(h_rate * 100, h_week_no) filter (where in_lb), 9) end as slope_lb,
           round(regr_sxx(h_rate * 100, h_week_no) filter (where in_lb), 9) as sxx_lb,
           round(regr_syy(h_rate * 100, h_week_no) filter (where in_lb), 9) as syy_lb,
           round(regr_sxy(h_rate * 100, h_week_no) filter (where in_lb), 9) as sxy_lb,
           avg(h_rate) filter (where in_lb) as mean_rate_lb,
           avg(h_eligible) filter (where in_lb) as mean_eligible_lb,
           count(*) as trend_n,
           case when count(*) >= 2 then round(regr_slope(h_rate * 100, h_week_no), 9) end as slope_tr,
           round(regr_sxx(h_rate * 100, h_week_no), 9) as sxx_tr,
           round(regr_syy(h_rate * 100, h_week_no), 9) as syy_tr,
           round(regr_sxy(h_rate * 100, h_week_no), 9) as sxy_tr,
           round(regr_avgx(h_rate * 100, h_week_no), 9) as avgx_tr,
           round(regr_avgy(h_rate * 100, h_week_no), 9) as avgy_tr,
           avg(h_rate) as mean_rate_tr,
           avg(h_eligible) as mean_eligible_tr
    from windows
    group by all
),
measured as (
    select s.*, p.*,
        s.active_pw / s.eligible_pw as rate,
        -- the variance of the pooled rate: binomial, or what the weekly rates show if they move more
        greatest(s.active_pw / s.eligible_pw * (1 - s.active_pw / s.eligible_pw) / s.eligible_pw,
                 s.rate_var / s.history_weeks) as rate_variance,
        -- standard errors of the two slopes (points per week): binomial noise of one week, or the residuals
        case when s.sxx_lb > 0 then sqrt(greatest(10000 * s.mean_rate_lb * (1 - s.mean_rate_lb) / s.mean_eligible_lb,
            case when s.history_weeks > 2 then greatest(s.syy_lb - s.sxy_lb ^ 2 / s.sxx_lb, 0) / (s.history_weeks - 2)
                 else 0 end) / s.sxx_lb) end as se_lb,
        case when s.sxx_tr > 0 then sqrt(greatest(10000 * s.mean_rate_tr * (1 - s.mean_rate_tr) / s.mean_eligible_tr,
            case when s.trend_n > 2 then greatest(s.syy_tr - s.sxy_tr ^ 2 / s.sxx_tr, 0) / (s.trend_n - 2)
                 else 0 end) / s.sxx_tr) end as se_tr,
        case when s.sxx_lb > 0 and s.syy_lb > 0 then s.sxy_lb ^ 2 / (s.sxx_lb * s.syy_lb) end as r2_lb,
        s.avgy_tr + s.slope_tr * (s.week_no - s.avgx_tr) as fitted_pts
    from stats s, params p
),
judged as (
    select m.*,
        round(case when m.rate * (1 - m.rate) > 0 and m.rate_variance > 0
                   then m.rate * (1 - m.rate) / m.rate_variance else m.eligible_pw end, 9) as n_eff,
        m.dimension <> 'tenant' and m.eligible_users < m.min_size as suppressed,
        m.history_weeks < m.lookback_weeks as collecting,
        m.trend_n >= 3 and m.slope_tr >= m.min_slope and m.slope_tr - m.z * m.se_tr > 0 as clear_growth,
        m.slope_lb <= -m.decline_slope and m.slope_lb + m.z_decline * m.se_lb < 0 and coalesce(m.r2_lb, 0) >= 0.5
            as falling_now
    from measured m
),
confirmed as (
    -- a fall counts once it shows two weeks running: one bad week (half the team away) is not a trend
    select j.*, j.falling_now and coalesce(lag(j.falling_now) over (partition by j.dimension, j.group_name
                order by j.week_no), false) as falling
    from judged j
),
bounded as (
    select j.*,
        round((j.rate + j.z ^ 2 / (2 * j.n_eff)
               + j.z * sqrt(j.rate * (1 - j.rate) / j.n_eff + j.z ^ 2 / (4 * j.n_eff ^ 2))) / (1 + j.z ^ 2 / j.n_eff), 9)
            as rate_high,
        j.clear_growth and j.fitted_pts + j.slope_tr * j.horizon_weeks >= j.target_rate * 100 as growing
    from confirmed j
),
events as (
    select b.*,
        b.rate_high < b.target_rate and not b.growing as below,
        case when b.suppressed or b.collecting then false
             when (b.rate_high < b.target_rate and not b.growing) or b.falling then true
             when (b.rate >= b.target_rate or b.growing) and not b.falling then false end as event
    from bounded b
),
latched as (
    select e.*,
        coalesce(last_value(e.event ignore nulls) over (partition by e.dimension, e.group_name order by e.week_no
                 rows between unbounded preceding and current row), false) as flagged
    from events e
),
runs as (
    select l.*, sum(case when l.flagged then 0 else 1 end) over (partition by l.dimension, l.group_name
                order by l.week_no rows between unbounded preceding and current row) as run_id
    from latched l
),
final as (
    select r.*,
        case when r.flagged then count(*) over (partition by r.dimension, r.group_name, r.run_id order by r.week_no
             rows between unbounded preceding and current row) - case when min(r.flagged::integer) over
             (partition by r.dimension, r.group_name, r.run_id) = 0 then 1 else 0 end else 0 end as weeks_flagged,
        array_to_string(list_transform(r.weekly_rates, lambda x: coalesce(format('{:.0f}', x * 100), '–')), ' → ')
            as series_text
    from runs r
)
select
    f.week_start,
    f.dimension,
    f.group_name,
    f.flagged,
    case
        when f.suppressed then 'not evaluated: fewer eligible people than the minimum group size'
        when f.collecting then format('collecting history: {} of {} weeks', f.history_weeks, f.lookback_weeks)
        when f.flagged and f.falling then format(
            'falling: weekly active {} % over {} weeks ({:+.1f} pts/week); average {:.0f} %{}', f.series_text,
            f.history_weeks, f.slope_lb, f.rate * 100,
            case when f.rate >= f.target_rate then format(', still at or above the {:.0f} % target', f.target_rate * 100)
                 else format(', target {:.0f} %', f.target_rate * 100) end)
        when f.flagged then format('weekly active {} % over {} weeks; average {:.0f} %, target {:.0f} %{}',
            f.series_text, f.history_weeks, f.rate * 100, f.target_rate * 100,
            case when not f.below then '; still below the target since it was flagged'
                 when f.slope_tr is null then ''
                 when f.clear_growth then format('; growing {:+.1f} pts/week, too slowly to reach the target within '
                                                 '{} weeks', f.slope_tr, f.horizon_weeks)
                 else format('; no clear growth ({:+.1f} pts/week over {} weeks)', f.slope_tr, f.trend_n) end)
        when f.rate >= f.target_rate then format('on track: average {:.0f} %, at or above the {:.0f} % target',
                                                 f.rate * 100, f.target_rate * 100)
        when f.growing then format('growing: average {:.0f} %, {:+.1f} pts/week, on course for the {:.0f} % target '
                                   'in about {} weeks', f.rate * 100, f.slope_tr, f.target_rate * 100,
                                   greatest(1, ceil((f.target_rate * 100 - f.fitted_pts) / f.slope_tr))::integer)
        else format('below target: average {:.0f} %, target {:.0f} %, but not clearly for a group of {} '
                    '(weekly active {} %); watching, not flagged', f.rate * 100, f.target_rate * 100,
                    f.eligible_users, f.series_text)
    end as reason,
    case when f.suppressed then 'too_small' when f.collecting then 'collecting_history' when f.flagged then 'flagged'
         when f.rate >= f.target_rate or f.growing then 'on_track' else 'below_target' end as status,
    c.champion_name,
    c.champion_email,
    c.manager_email,
    case when f.suppressed then null else f.eligible_users end::integer as eligible_users,
    case when f.suppressed then null else f.active_users end::integer as active_users,
    case when f.suppressed then null else f.rate end as active_rate,
    case when f.suppressed then null else f.first_rate end as first_rate,
    case when f.suppressed then null else f.slope_tr + 0.0 end as slope_pts_per_week,
    f.history_weeks::integer as history_weeks,
    f.target_rate,
    f.lookback_weeks,
    f.min_slope as min_slope_points_per_week,
    f.decline_slope as decline_points_per_week,
    f.suppressed,
    case when f.suppressed then null else f.week_rate end as weekly_active_rate,
    case when f.suppressed then null else f.weekly_rates end as weekly_rates,
    case when f.suppressed then null else f.rate_high end as rate_high,
    case when not f.flagged then null when f.falling then 'declining' else 'below_target' end as flag_kind,
    case when f.suppressed then (case when f.licensed_users < f.min_size then 'suppressed' else 'too_small' end)
         else adoption_level(f.rate) end as level,
    case when f.flagged then round(f.eligible_users * greatest(f.target_rate - f.rate,
         case when f.falling then -f.slope_lb * (f.history_weeks - 1) / 100 else 0 end), 1) else 0 end as impact,
    f.weeks_flagged::integer as weeks_flagged,
    case when f.dimension = 'department' then f.group_name when f.dimension = 'tenant' then null
         else f.department end as department,
    f.licensed_users::integer as licensed_users
from final f
left join champions c on c.dimension = f.dimension and c.group_name = f.group_name
