-- Interventions with their targeted groups ((dimension, group_id, group_name), in that order), newest start
-- first; $id selects one (NULL: all).
select i.id, i.kind, i.title, i.start_date, i.end_date, i.notes, i.source, i.source_ref, i.followup_id,
       i.created_by, timezone('UTC', i.created_at) as created_at,
       coalesce(list([g.dimension, g.group_id, g.group_name] order by g.dimension, g.group_name)
                filter (where g.group_id is not null), []) as groups
from interventions i
left join intervention_groups g on g.intervention_id = i.id
where $id is null or i.id = $id
group by all
order by i.start_date desc, i.id desc
