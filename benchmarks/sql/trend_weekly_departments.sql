-- Trend: every department's weekly active rate (any app) over the whole history.
select week_start, group_name, active_rate, breadth, suppressed
from mart_adoption_weekly
where dimension = 'department' and app = 'any'
order by group_name, week_start
