-- Each intervention's measured effect per targeted group (docs/interventions.md): a difference in differences on
-- the headline, the weekly active rate of eligible people (mart_adoption_weekly, app 'any', complete weeks).
--   before  the last weeks_before complete weeks that end before the start date;
--   after   the first weeks_after complete weeks that start on or after it (a week the start falls inside is in
--           neither: it is partly before and partly after);
--   change  a group's mean weekly rate over the after weeks minus over the before weeks;
--   effect  the targeted group's change minus the mean change of its comparable groups: the same dimension,
--           every before and after week measured, no intervention of theirs overlapping those weeks, a baseline
--           rate within max_rate_gap_points, between 1/max_size_ratio and max_size_ratio times the eligible
--           people, and a trend within max_trend_gap_points_per_week (parallel trends, checked) over the
--           trend_weeks complete weeks before the start (least squares over those measured, at least
--           weeks_before of them: four noisy weeks alone would exclude groups by chance);
--   interval a t prediction interval over the comparable groups' changes: effect +- t(k-1) * sd * sqrt(1 + 1/k)
--           for k comparable groups with changes of standard deviation sd: how far the targeted group's change
--           would fall from their mean if the intervention had done nothing (one group, one draw).
-- Statuses: measured; collecting (the after weeks are not all collected yet); too_few_weeks (a before or after
-- week without enough eligible people to be measured); too_few_comparisons; suppressed (fewer licensed people
-- than min_group_size in a window week: no number at all). Only `measured` rows carry numbers. The
-- interventions are application data (alerts/workflow/interventions.py): one recorded after the last
-- transform is measured by the next one. Parameters: [interventions] via _model_params.
-- materialized: table
with params as (
    select iv_weeks_before as nb, iv_weeks_after as na, iv_min_comparisons as min_k, iv_max_rate_gap as max_gap,
           iv_max_size_ratio as max_ratio, iv_max_trend_gap as max_trend, iv_trend_weeks as tw, iv_z as z,
           iv_ci_label as ci_label,
           min_group_size as min_size
    from _model_params
),
weekly as (
    select dimension, group_id, group_name, week_start, weekly_active_rate as rate, eligible_users, suppressed
    from mart_adoption_weekly
    where app = 'any' and complete_week and dimension <> 'tenant'
),
last_week as (
    select max(week_start) as week_start from weekly
),
labels as (
    select dimension, group_id, arg_max(group_name, week_start) as group_name from weekly group by all
),
targets as (
    select i.id as intervention_id, g.dimension, g.group_id, g.group_name as recorded_name, i.kind, i.title,
           i.start_date, i.end_date, date_trunc('week', i.start_date)::date as start_week
    from interventions i
    join intervention_groups g on g.intervention_id = i.id
),
windows as (
    select t.*,
           t.start_week - 7 * p.nb as before_from, t.start_week - 7 * greatest(p.nb, p.tw) as trend_from,
           case when t.start_date = t.start_week then t.start_week else t.start_week + 7 end as after_from,
           p.nb, p.na
    from targets t cross join params p
),
windows2 as (
    select *, after_from + 7 * (na - 1) as after_to from windows
),
series as (
    -- every group of the target's dimension over the target's before and after weeks
    select t.intervention_id, t.dimension, t.group_id as target_id, w.group_id, w.week_start, w.rate,
           w.eligible_users, w.suppressed, w.week_start >= t.after_from as after,
           w.week_start < t.after_from and w.week_start >= t.before_from as before,
           (w.week_start - t.trend_from) // 7 as k
    from windows2 t
    join weekly w on w.dimension = t.dimension
                 and (w.week_start between t.trend_from and t.start_week - 7
                      or w.week_start between t.after_from and t.after_to)
),
group_stats as (
    -- rounded where float sums depend on the order DuckDB's threads add them
    select intervention_id, dimension, target_id, group_id,
           count(rate) filter (where before) as n_before, count(rate) filter (where after) as n_after,
           round(avg(rate) filter (where before), 12) as before_rate,
           round(avg(rate) filter (where after), 12) as after_rate,
           round(round(regr_slope(rate * 100, k) filter (where not after), 12), 9) as trend,
           avg(eligible_users) filter (where before) as size,
           bool_or(suppressed) filter (where before or after) as any_suppressed
    from series group by all
),
busy as (
    -- groups with an intervention of their own overlapping a target's window: not comparable
    select distinct t.intervention_id, t.group_id as target_id, g.dimension, g.group_id
    from windows2 t
    join intervention_groups g on g.dimension = t.dimension
    join interventions i on i.id = g.intervention_id
    where i.start_date <= t.after_to + 6 and coalesce(i.end_date, i.start_date) >= t.before_from
),
target_stats as (
    select w.*, s.n_before, s.n_after, s.before_rate, s.after_rate, s.trend, s.size,
           coalesce(s.any_suppressed, false) as any_suppressed
    from windows2 w
    left join group_stats s on s.intervention_id = w.intervention_id and s.target_id = w.group_id
                           and s.group_id = w.group_id
),
comparisons as (
    select t.intervention_id, t.group_id as target_id,
           count(*) as k,
           round(avg(c.after_rate - c.before_rate), 12) as mean_change,
           round(stddev_samp(c.after_rate - c.before_rate), 12) as sd_change
    from target_stats t
    cross join params p
    join group_stats c on c.intervention_id = t.intervention_id and c.target_id = t.group_id
                      and c.group_id <> t.group_id
    where c.n_before = p.nb and c.n_after = p.na and not c.any_suppressed
      and abs(c.before_rate - t.before_rate) <= p.max_gap
      and c.size between t.size / p.max_ratio and t.size * p.max_ratio
      and abs(c.trend - t.trend) <= p.max_trend
      and not exists (select 1 from busy b where b.intervention_id = t.intervention_id and b.target_id = t.group_id
                                             and b.group_id = c.group_id)
    group by all
),
judged as (
    select t.*, coalesce(c.k, 0) as k, c.mean_change, c.sd_change, p.min_k, p.z, p.ci_label, p.min_size,
           case when t.any_suppressed then 'suppressed'
                when t.after_to > (select week_start from last_week) or (select week_start from last_week) is null
                    then 'collecting'
                when coalesce(t.n_before, 0) < t.nb or coalesce(t.n_after, 0) < t.na then 'too_few_weeks'
                when coalesce(c.k, 0) < p.min_k then 'too_few_comparisons'
                else 'measured' end as status
    from target_stats t
    cross join params p
    left join comparisons c on c.intervention_id = t.intervention_id and c.target_id = t.group_id
),
measured as (
    select j.*,
           case when status = 'measured' then (after_rate - before_rate - mean_change) * 100 end as effect,
           case when status = 'measured' then t_quantile(z, k - 1) * sd_change * sqrt(1 + 1 / k) * 100 end as half,
           case when status = 'measured' then sd_change * sqrt(1 + 1 / k) * 100 end as se
    from judged j
),
words as (
    select m.*, coalesce(l.group_name, m.recorded_name) as label,
           replace(m.kind, '_', ' ') || ' on ' || strftime(m.start_date, '%-d %b %Y') as what,
           case m.dimension when 'department' then 'departments' when 'job_function' then 'job functions'
                            else 'manager teams' end as plural
    from measured m
    left join labels l on l.dimension = m.dimension and l.group_id = m.group_id
)
select
    intervention_id, dimension, group_id, label as group_name, kind, title, start_date, end_date,
    nb::integer as weeks_before, na::integer as weeks_after,
    case when status = 'measured' then round(before_rate, 6) end as before_rate,
    case when status = 'measured' then round(after_rate, 6) end as after_rate,
    case when status = 'measured' then round((after_rate - before_rate) * 100, 4) end as change_pts,
    case when status = 'measured' then round(mean_change * 100, 4) end as comparison_change_pts,
    round(effect, 4) as effect_pts,
    round(effect - half, 4) as ci_low_pts,
    round(effect + half, 4) as ci_high_pts,
    round(se, 4) as standard_error_pts,
    k::integer as comparison_groups,
    status,
    label || ' ' || what || ': ' || case status
        when 'measured' then printf('%+d pts vs %d comparable %s (%s CI %+d to %+d)', round(effect)::integer,
                                    k, plural, ci_label, round(effect - half)::integer, round(effect + half)::integer)
        when 'suppressed' then printf('not shown, fewer than %d licensed people', min_size)
        when 'collecting' then printf('not enough data yet (%d of %d weeks after collected)',
                                      coalesce(n_after, 0), na)
        when 'too_few_weeks' then printf('not enough data yet (%d of %d weeks before and %d of %d after measured)',
                                         coalesce(n_before, 0), nb, coalesce(n_after, 0), na)
        else printf('not enough data yet (%d comparable %s, %d needed)', k, plural, min_k) end as sentence
from words
