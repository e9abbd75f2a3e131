-- Interventions that started in the three months up to the month's end, with their measured effect
-- (mart_intervention_effect: difference in differences against comparable groups, docs/interventions.md).
select *
from mart_intervention_effect
where start_date <= $last and start_date > $last - interval 92 days
order by start_date desc, group_name
