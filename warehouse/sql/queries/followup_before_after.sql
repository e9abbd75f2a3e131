-- For every follow-up with an action: the group's weekly active rate (mart_stagnation, the rate the flag is
-- about) averaged over the $n complete weeks before the week of the first action and the $n weeks after it.
-- The action's own week belongs to neither side.
with first_action as (
    select followup_id, min(action_date) as first_action from followup_actions group by followup_id
),
f as (
    select f.id, f.dimension, f.group_name, a.first_action,
           date_trunc('week', a.first_action)::date as action_week
    from followups f
    join first_action a on a.followup_id = f.id
),
joined as (
    select f.*, s.week_start, s.active_rate,
           s.week_start < f.action_week and s.week_start >= f.action_week - 7 * $n::integer as is_before,
           s.week_start > f.action_week and s.week_start <= f.action_week + 7 * $n::integer as is_after
    from f
    left join mart_stagnation s on s.dimension = f.dimension and s.group_name = f.group_name
)
select
    id, first_action, action_week,
    avg(active_rate) filter (where is_before) as before_rate,
    count(active_rate) filter (where is_before) as before_weeks,
    avg(active_rate) filter (where is_after) as after_rate,
    count(active_rate) filter (where is_after) as after_weeks
from joined
group by id, first_action, action_week
