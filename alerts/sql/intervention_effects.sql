-- The measured effect of each intervention per targeted group (mart_intervention_effect), with the follow-up an
-- action came from; newest start first.
select e.intervention_id, e.dimension, e.group_id, e.group_name, e.kind, e.title, e.start_date, e.effect_pts,
       e.ci_low_pts, e.ci_high_pts, e.comparison_groups, e.status, e.sentence, i.followup_id
from mart_intervention_effect e
left join interventions i on i.id = e.intervention_id
order by e.start_date desc, e.intervention_id desc, e.dimension, e.group_name
