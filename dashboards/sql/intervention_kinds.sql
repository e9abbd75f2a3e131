-- Per kind of intervention, the tenant-wide average of its measured effects (mart_intervention_kind_effect).
select kind, interventions, groups_targeted, groups_measured, effect_pts, ci_low_pts, ci_high_pts, status, sentence
from mart_intervention_kind_effect
order by status <> 'measured', effect_pts desc nulls last, kind
