-- The months with at least one complete week (ISO's rule: the week's Thursday is in the month), newest first.
select distinct date_trunc('month', week_start + 3)::date as month
from mart_adoption_weekly
where dimension = 'tenant' and app = 'any' and complete_week
order by month desc
