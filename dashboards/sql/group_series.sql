-- The weekly series of some groups of one dimension ($groups): each complete week's raw weekly active rate and
-- the rolling headline (the model's pooled average), up to and including $week_start.
select s.week_start, s.dimension, s.group_name, s.weekly_active_rate, s.active_rate, s.flagged, s.target_rate
from mart_stagnation s
where s.dimension = $dimension and list_contains($groups::varchar[], s.group_name)
    and s.week_start <= $week_start
order by s.dimension, s.group_name, s.week_start
