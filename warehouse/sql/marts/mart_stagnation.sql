-- The stagnation rule, per complete ISO week and group, over the headline metric (warehouse/levels.py): the
-- weekly active rate of eligible people (licensed for at least min_licensed_days), pooled over the last
-- lookback_weeks complete weeks (active person-weeks / eligible person-weeks) = `active_rate`.
--
-- Only weeks with at least min_group_size eligible people count (a smaller week is shown as "–" and carries no
-- number anywhere); a group is evaluated once it has had lookback_weeks such weeks. It is judged on the evidence
-- of the whole lookback, not one week, with an allowance for how much a group of its size moves week to week:
--   below    the upper confidence bound of active_rate (`rate_high`: Wilson, at [model.stagnation] confidence,
--            on an effective sample that is the larger of the binomial and the observed week-to-week
--            variance) is below target_rate;
--   growing  the trend over trend_weeks (least squares, points per week) is at least min_slope_points_per_week,
--            clearly above zero (the same confidence; where the points scatter more than binomial noise, a
--            moderated t: that scatter shrunk towards the binomial variance) and reaches the target within
--            horizon_weeks;
--   falling  the trend over the lookback is decline_points_per_week or steeper, consistent (r² >= 0.5) and more
--            than two standard errors below zero, in this week and the week before (one bad week is no trend).
-- A group flags when it is below and not growing, or falling; a flag persists (no flapping week to week)
-- until the group is back at or above the target, or growing towards it two weeks running, and not falling;
-- a week too small to judge holds it. So a group flagged below target is never 'hot' (at or above the target)
-- in that week; one flagged for falling may be, and its reason says so. Parameters come from
-- [model.stagnation] via _model_params.
--
-- A group's champion is not here: it is application data (alerts/workflow/), edited between transforms, so the
-- readers (alerts/sql/flagged_groups.sql, dashboards/sql/, `copilot-usage status`) join it live by
-- (dimension, group_id); the model reads no application table.
-- materialized: table
with params as (
    select
        target_rate,
        lookback_weeks,
        trend_weeks,
        horizon_weeks,
        min_slope_points_per_week as min_slope,
        decline_points_per_week as decline_slope,
        min_group_size as min_size,
        z,
        z_decline
    from _model_params
),
series as (
    -- ok: a week with enough eligible people to be judged (and shown); the tenant always is
    select e.*, e.active_users / e.eligible_users as week_rate, w.licensed_users,
           e.dimension = 'tenant' or e.eligible_users >= p.min_size as ok
    from int_group_week_eligible e
    cross join params p
    left join mart_adoption_weekly w
        on w.dimension = e.dimension and w.group_id = e.group_name and w.app = 'any' and w.week_start = e.week_start
),
counted as (
    select *, sum(ok::integer) over (partition by dimension, group_name order by week_no
                                     rows between unbounded preceding and current row) as weeks_judged
    from series
),
windows as (
    -- each week with the weeks of its lookback (lb) and of its trend window (tr)
    select s.*, h.week_no as h_week_no, h.week_rate as h_rate, h.active_users as h_active,
           h.eligible_users as h_eligible, h.ok as h_ok, h.week_no > s.week_no - p.lookback_weeks as in_lb
    from counted s
    cross join params p
    join series h on h.dimension = s.dimension and h.group_name = s.group_name
                 and h.week_no between s.week_no - p.trend_weeks + 1 and s.week_no
),
stats as (
    -- only judged weeks (h_ok) count; rounded where float sums depend on the order DuckDB's threads add them
    select week_start, dimension, group_name, week_no, eligible_users, active_users, week_rate, licensed_users,
           department, ok, weeks_judged,
           count(*) filter (where in_lb and h_ok) as history_weeks,
           sum(h_active) filter (where in_lb and h_ok) as active_pw,
           sum(h_eligible) filter (where in_lb and h_ok) as eligible_pw,
           list(case when h_ok then h_rate end order by h_week_no) filter (where in_lb) as weekly_rates,
           arg_min(h_rate, h_week_no) filter (where in_lb and h_ok) as first_rate,
           -- the regression sums are rounded twice: DuckDB's threads add them in any order (noise ~1e-15), and a value
           -- exactly half-way at the 10th digit (rates are ratios of small counts) would round either way at 9 digits
           round(coalesce(var_samp(h_rate) filter (where in_lb and h_ok), 0), 12) as rate_var,
           case when count(*) filter (where in_lb and h_ok) >= 2
                then round(round(regr_slope(h_rate * 100, h_week_no) filter (where in_lb and h_ok), 12), 9) end as slope_lb,
           round(round(regr_sxx(h_rate * 100, h_week_no) filter (where in_lb and h_ok), 12), 9) as sxx_lb,
           round(round(regr_syy(h_rate * 100, h_week_no) filter (where in_lb and h_ok), 12), 9) as syy_lb,
           round(round(regr_sxy(h_rate * 100, h_week_no) filter (where in_lb and h_ok), 12), 9) as sxy_lb,
           round(avg(h_rate) filter (where in_lb and h_ok), 12) as mean_rate_lb,
           round(avg(h_eligible) filter (where in_lb and h_ok), 12) as mean_eligible_lb,
           count(*) filter (where h_ok) as trend_n,
           case when count(*) filter (where h_ok) >= 2
                then round(round(regr_slope(h_rate * 100, h_week_no) filter (where h_ok), 12), 9) end as slope_tr,
           round(round(regr_sxx(h_rate * 100, h_week_no) filter (where h_ok), 12), 9) as sxx_tr,
           round(round(regr_syy(h_rate * 100, h_week_no) filter (where h_ok), 12), 9) as syy_tr,
           round(round(regr_sxy(h_rate * 100, h_week_no) filter (where h_ok), 12), 9) as sxy_tr,
           round(round(regr_avgx(h_rate * 100, h_week_no) filter (where h_ok), 12), 9) as avgx_tr,
           round(round(regr_avgy(h_rate * 100, h_week_no) filter (where h_ok), 12), 9) as avgy_tr,
           round(avg(h_rate) filter (where h_ok), 12) as mean_rate_tr,
           round(avg(h_eligible) filter (where h_ok), 12) as mean_eligible_tr
    from windows
    group by all
),
variances as (
    -- the ingredients of a slope's error variance (points² per week²): the binomial noise of one week and the
    -- residual scatter of the points
    select s.*, p.*,
        s.active_pw / s.eligible_pw as rate,
        10000 * s.mean_rate_lb * (1 - s.mean_rate_lb) / s.mean_eligible_lb as binom_lb,
        case when s.history_weeks > 2 then greatest(s.syy_lb - s.sxy_lb ^ 2 / s.sxx_lb, 0) / (s.history_weeks - 2)
             end as resid_lb,
        10000 * s.mean_rate_tr * (1 - s.mean_rate_tr) / s.mean_eligible_tr as binom_tr,
        case when s.trend_n > 2 then greatest(s.syy_tr - s.sxy_tr ^ 2 / s.sxx_tr, 0) / (s.trend_n - 2) end as resid_tr
    from stats s, params p
),
measured as (
    select v.*,
        -- the variance of the pooled rate: binomial, or what the weekly rates show if they move more
        greatest(v.rate * (1 - v.rate) / v.eligible_pw, v.rate_var / v.history_weeks) as rate_variance,
        -- where the points scatter more than binomial noise, the error variance is the scatter moderated towards
        -- the binomial one (worth 4 degrees of freedom, as a moderated t-statistic does), and judged with t
        case when v.sxx_lb > 0 then sqrt(case when coalesce(v.resid_lb, 0) > v.binom_lb
             then (4 * v.binom_lb + (v.history_weeks - 2) * v.resid_lb) / (v.history_weeks + 2)
             else v.binom_lb end / v.sxx_lb) end as se_lb,
        case when v.sxx_tr > 0 then sqrt(case when coalesce(v.resid_tr, 0) > v.binom_tr
             then (4 * v.binom_tr + (v.trend_n - 2) * v.resid_tr) / (v.trend_n + 2)
             else v.binom_tr end / v.sxx_tr) end as se_tr,
        case when coalesce(v.resid_lb, 0) > v.binom_lb then t_quantile(v.z_decline, v.history_weeks + 2)
             else v.z_decline end as crit_lb,
        case when coalesce(v.resid_tr, 0) > v.binom_tr then t_quantile(v.z, v.trend_n + 2) else v.z end as crit_tr,
        case when v.sxx_lb > 0 and v.syy_lb > 0 then v.sxy_lb ^ 2 / (v.sxx_lb * v.syy_lb) end as r2_lb,
        v.avgy_tr + v.slope_tr * (v.week_no - v.avgx_tr) as fitted_pts
    from variances v
),
judged as (
    select m.*,
        round(case when m.rate * (1 - m.rate) > 0 and m.rate_variance > 0
                   then m.rate * (1 - m.rate) / m.rate_variance else m.eligible_pw end, 9) as n_eff,
        not m.ok as suppressed,
        m.ok and m.weeks_judged < m.lookback_weeks as collecting,
        m.trend_n >= 3 and m.slope_tr >= m.min_slope and m.slope_tr - m.crit_tr * m.se_tr > 0 as clear_growth,
        m.ok and m.weeks_judged >= m.lookback_weeks and m.history_weeks >= 3 and m.slope_lb <= -m.decline_slope
            and m.slope_lb + m.crit_lb * m.se_lb < 0 and coalesce(m.r2_lb, 0) >= 0.5 as falling_now
    from measured m
),
bounded as (
    select j.*,
        round((j.rate + j.z ^ 2 / (2 * j.n_eff)
               + j.z * sqrt(j.rate * (1 - j.rate) / j.n_eff + j.z ^ 2 / (4 * j.n_eff ^ 2))) / (1 + j.z ^ 2 / j.n_eff), 9)
            as rate_high,
        coalesce(j.clear_growth and j.fitted_pts + j.slope_tr * j.horizon_weeks >= j.target_rate * 100, false)
            as growing_now,
        lag(j.week_no) over by_week as prev_week_no
    from judged j
    window by_week as (partition by j.dimension, j.group_name order by j.week_no)
),
confirmed as (
    -- a fall, or growth that lifts a flag, counts once it shows two weeks running: one bad (or good) week of a
    -- small team, half of it away or back from an offsite, is no trend
    select b.*,
        coalesce(b.falling_now and b.prev_week_no = b.week_no - 1
                 and lag(b.falling_now) over by_week, false) as falling,
        coalesce(b.growing_now and b.prev_week_no = b.week_no - 1
                 and lag(b.growing_now) over by_week, false) as growing_confirmed
    from bounded b
    window by_week as (partition by b.dimension, b.group_name order by b.week_no)
),
events as (
    select c.*,
        c.rate_high < c.target_rate as below,
        case when c.suppressed or c.collecting then null  -- too small to judge this week: the state holds
             when (c.rate_high < c.target_rate and not c.growing_now) or c.falling then true
             when (c.rate >= c.target_rate or c.growing_confirmed) and not c.falling then false end as event
    from confirmed c
),
latched as (
    select e.*,
        not e.suppressed and not e.collecting
            and coalesce(last_value(e.event ignore nulls) over (partition by e.dimension, e.group_name
                         order by e.week_no rows between unbounded preceding and current row), false) as flagged
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
            as series_text,
        case when round(r.slope_tr, 1) = 0 then 'no change' else format('{:+.1f} pts/week', r.slope_tr) end
            as trend_text,
        case when round(r.slope_lb, 1) = 0 then 'no change' else format('{:+.1f} pts/week', r.slope_lb) end
            as fall_text,
        case when r.slope_tr > 0 then greatest(1, ceil((r.target_rate * 100 - r.fitted_pts) / r.slope_tr))::integer
             end as weeks_to_target
    from runs r
)
select
    f.week_start,
    f.dimension,
    f.group_name as group_id,
    coalesce(ml.label, f.group_name) as group_name,
    f.flagged,
    case
        when f.suppressed then 'not evaluated: fewer eligible people than the minimum group size'
        when f.collecting then format('collecting history: {} of {} weeks', f.weeks_judged, f.lookback_weeks)
        when f.flagged and f.falling then format(
            'falling: weekly active {} % over {} weeks ({}); average {:.0f} %{}', f.series_text,
            f.history_weeks, f.fall_text, f.rate * 100,
            case when f.rate >= f.target_rate then format(', still at or above the {:.0f} % target', f.target_rate * 100)
                 else format(', target {:.0f} %', f.target_rate * 100) end)
        when f.flagged then format('weekly active {} % over {} weeks; average {:.0f} %, target {:.0f} %{}',
            f.series_text, f.history_weeks, f.rate * 100, f.target_rate * 100,
            case when not f.below then '; still below the target since it was flagged'
                 when f.slope_tr is null then ''
                 when f.growing_now then format('; growing {} over {} weeks, to be confirmed next week',
                                                f.trend_text, f.trend_n)
                 when round(f.slope_tr, 1) <= 0 then format('; no growth ({} over {} weeks)', f.trend_text, f.trend_n)
                 when f.fitted_pts + f.slope_tr * f.horizon_weeks < f.target_rate * 100 then format(
                     '; {} over {} weeks, too slow to reach the target within {} weeks', f.trend_text,
                     f.trend_n, f.horizon_weeks)
                 when f.slope_tr < f.min_slope then format(
                     '; {} over {} weeks, less than the {:+.1f} that counts as growth', f.trend_text,
                     f.trend_n, f.min_slope)
                 else format('; {} over {} weeks, not yet clear for a group of {}', f.trend_text,
                             f.trend_n, f.eligible_users) end)
        when f.rate >= f.target_rate then format('on track: average {:.0f} %, at or above the {:.0f} % target',
                                                 f.rate * 100, f.target_rate * 100)
        when f.growing_now then format('growing: average {:.0f} %, {}, on course for the {:.0f} % target in about {} '
                                       'week{}', f.rate * 100, f.trend_text, f.target_rate * 100, f.weeks_to_target,
                                       case when f.weeks_to_target = 1 then '' else 's' end)
        else format('below target: average {:.0f} %, target {:.0f} %, but not clearly for a group of {} '
                    '(weekly active {} %); watching, not flagged', f.rate * 100, f.target_rate * 100,
                    f.eligible_users, f.series_text)
    end as reason,
    case when f.suppressed then 'too_small' when f.collecting then 'collecting_history' when f.flagged then 'flagged'
         when f.rate >= f.target_rate or f.growing_now then 'on_track' else 'below_target' end as status,
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
left join int_manager_labels ml on f.dimension = 'manager' and ml.manager_id = f.group_name
