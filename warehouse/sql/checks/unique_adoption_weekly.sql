select week_start, dimension, group_name, app, count(*) as n
from mart_adoption_weekly group by all having count(*) > 1
