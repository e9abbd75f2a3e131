-- For every follow-up with an action: the group's weekly active rate (the headline, warehouse/levels.py)
-- pooled over the $n complete weeks before the week of the first action and over the $n weeks after it
-- (active person-weeks / eligible person-weeks of those weeks alone, so neither side borrows the other's
-- weeks). The action's own week belongs to neither side.
with first_action as (
    select followup_id, min(action_date) as first_action from followup_actions group by followup_id
),
f as (
    select f.id, f.dimension, f.group_id, a.first_action,
           date_trunc('week', a.first_action)::date as action_week
    from followups f
    join first_action a on a.followup_id = f.id
),
joined as (
    select f.*, s.week_start, s.active_users, s.eligible_users,
           s.week_start < f.action_week and s.week_start >= f.action_week - 7 * $n::integer as is_before,
           s.week_start > f.action_week and s.week_start <= f.action_week + 7 * $n::integer as is_after
    from f
    left join mart_stagnation s on s.dimension = f.dimension and s.group_id = f.group_id
)
select
    id, first_action, action_week,
    sum(active_users) filter (where is_before) / nullif(sum(eligible_users) filter (where is_before), 0)
        as before_rate,
    count(eligible_users) filter (where is_before) as before_weeks,
    sum(active_users) filter (where is_after) / nullif(sum(eligible_users) filter (where is_after), 0) as after_rate,
    count(eligible_users) filter (where is_after) as after_weeks
from joined
group by id, first_action, action_week
