select week_start, dimension, group_name, count(*) as n from mart_stagnation group by all having count(*) > 1
