-- The groups of one dimension on the latest report date (for the group picker): one row each, by name.
select group_name
from mart_acceptance_heatmap
where dimension = $dimension and app = 'any'
order by group_name
