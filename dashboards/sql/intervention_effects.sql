-- Every recorded intervention and targeted group with its measured effect (mart_intervention_effect, as of the
-- last transform); a group recorded since then has no mart row yet: status 'not_measured_yet'.
select i.id as intervention_id, i.kind, i.title, i.start_date, i.end_date, i.source, i.followup_id, i.created_by,
       g.dimension, g.group_id, coalesce(e.group_name, g.group_name) as group_name,
       e.effect_pts, e.ci_low_pts, e.ci_high_pts, e.comparison_groups, e.before_rate, e.after_rate,
       coalesce(e.status, 'not_measured_yet') as status,
       coalesce(e.sentence, g.group_name || ' ' || replace(i.kind, '_', ' ') || ' on '
                || strftime(i.start_date, '%-d %b %Y') || ': measured at the next transform') as sentence
from interventions i
join intervention_groups g on g.intervention_id = i.id
left join mart_intervention_effect e
       on e.intervention_id = i.id and e.dimension = g.dimension and e.group_id = g.group_id
order by i.start_date desc, i.id desc, g.dimension, g.group_name
