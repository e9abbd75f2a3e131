-- The tenant's weekly active rate per complete week up to the month's end (the report's trend line).
select week_start, weekly_active_rate
from mart_adoption_weekly
where dimension = 'tenant' and app = 'any' and complete_week and weekly_active_rate is not null
  and week_start + 3 <= $last and week_start + 3 > $last - $weeks * 7
order by week_start
