-- The groups interventions can target: every (dimension, group_id) of the weekly mart with its latest label.
select dimension, group_id, arg_max(group_name, week_start) as group_name
from mart_adoption_weekly
where dimension <> 'tenant' and app = 'any'
group by dimension, group_id
