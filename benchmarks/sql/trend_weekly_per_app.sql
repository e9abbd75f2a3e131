-- Trend: the tenant's weekly active rate per app over the whole history.
select week_start, app, licensed_users, active_users, active_rate, prompts, habit_rate
from mart_adoption_weekly
where dimension = 'tenant'
order by week_start, app
