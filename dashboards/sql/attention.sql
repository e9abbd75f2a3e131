-- The flagged groups of one complete week: unowned ones (no champion in the live champions table) first, then
-- by impact (people short of target), with the champion and the group's current follow-up.
with fu as (
    select dimension, group_id, id as followup_id, status as followup_status, owner
    from followups
    -- the group's open follow-up (the newest one not resolved), else its newest
    qualify row_number() over (partition by dimension, group_id order by status = 'resolved', id desc) = 1
)
select
    s.week_start, s.dimension, s.group_name, s.flag_kind, s.reason, s.active_rate, s.weekly_active_rate,
    s.target_rate, s.eligible_users, s.impact, s.weeks_flagged, s.department,
    c.champion_name, c.champion_email, c.champion_email is null as unowned,
    f.followup_id, f.followup_status, f.owner
from mart_stagnation s
left join champions c on c.dimension = s.dimension and c.group_id = s.group_id
left join fu f on f.dimension = s.dimension and f.group_id = s.group_id
where s.week_start = $week_start and s.flagged and s.dimension <> 'tenant'
order by unowned desc, s.impact desc nulls last, s.dimension, s.group_name
