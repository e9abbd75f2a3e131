select week_start, dimension, group_name, app, count(*) as n
from mart_adoption_weekly where in_week_scope(week_start) group by all having count(*) > 1
