-- One headline everywhere: a heatmap cell of app 'any' carries mart_stagnation's rate of its week, and a
-- group flagged for being below target is never 'hot' (at or above the target) in that week.
select 'heatmap rate differs from mart_stagnation' as problem, h.group_name
from mart_acceptance_heatmap h
join mart_stagnation s on s.week_start = h.week_start and s.dimension = h.dimension and s.group_name = h.group_name
where h.app = 'any' and not h.suppressed and s.active_rate is distinct from h.active_rate
union all
select 'flagged below target but hot', group_name from mart_stagnation where flag_kind = 'below_target' and level = 'hot'
union all
select 'heatmap: flagged below target but hot', h.group_name
from mart_acceptance_heatmap h
join mart_stagnation s on s.week_start = h.week_start and s.dimension = h.dimension and s.group_name = h.group_name
where h.app = 'any' and s.flag_kind = 'below_target' and h.level = 'hot'
