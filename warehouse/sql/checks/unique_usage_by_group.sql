select as_of, window_days, dimension, group_name, app, count(*) as n
from mart_usage_by_group where in_as_of_scope(as_of) group by all having count(*) > 1
