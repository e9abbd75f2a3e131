-- Per kind of intervention, the average measured effect across the tenant (docs/interventions.md): the mean of
-- its measured group effects (mart_intervention_effect, status 'measured'), with a t interval whose standard
-- error is the larger of the effects' spread (sd / sqrt(n): how much the kind's effect varies between groups
-- and interventions) and their own measurement error (sqrt(sum of se^2) / n), on n - 1 degrees of freedom. A
-- kind with fewer than min_measured_for_kind measured effects has no number yet (status too_few_measured).
-- materialized: table
with params as (
    select iv_min_for_kind as min_n, iv_z as z, iv_ci_label as ci_label from _model_params
),
per_kind as (
    select kind, count(distinct intervention_id) as interventions, count(*) as groups_targeted,
           count(*) filter (where status = 'measured') as n,
           round(avg(effect_pts) filter (where status = 'measured'), 9) as mean_effect,
           round(stddev_samp(effect_pts) filter (where status = 'measured'), 9) as sd_effect,
           round(sum(standard_error_pts ^ 2) filter (where status = 'measured'), 9) as sum_se2
    from mart_intervention_effect group by kind
),
judged as (
    select k.*, p.*, k.n >= p.min_n as enough,
           greatest(k.sd_effect / sqrt(k.n), sqrt(k.sum_se2) / k.n) as se
    from per_kind k cross join params p
)
select
    kind, interventions::integer as interventions, groups_targeted::integer as groups_targeted,
    n::integer as groups_measured,
    case when enough then round(mean_effect, 4) end as effect_pts,
    case when enough then round(mean_effect - t_quantile(z, n - 1) * se, 4) end as ci_low_pts,
    case when enough then round(mean_effect + t_quantile(z, n - 1) * se, 4) end as ci_high_pts,
    case when enough then 'measured' else 'too_few_measured' end as status,
    upper(left(replace(kind, '_', ' '), 1)) || substr(replace(kind, '_', ' '), 2) || ': ' || case
        when enough then printf('%+d pts on average over %d measured groups (%s CI %+d to %+d)',
                                round(mean_effect)::integer, n, ci_label,
                                round(mean_effect - t_quantile(z, n - 1) * se)::integer,
                                round(mean_effect + t_quantile(z, n - 1) * se)::integer)
        else printf('not enough data yet (%d measured group effects, %d needed)', n, min_n) end as sentence
from judged
