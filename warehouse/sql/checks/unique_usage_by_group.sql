select as_of, window_days, dimension, group_name, app, count(*) as n
from mart_usage_by_group group by all having count(*) > 1
