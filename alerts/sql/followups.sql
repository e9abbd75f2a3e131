-- Every follow-up with its group's live champion, first action and number of actions.
select
    f.id, f.dimension, f.group_name, f.episode_start, f.last_flagged_week, f.status, f.owner, f.snooze_until,
    f.opened_reason, timezone('UTC', f.created_at) as created_at,
    timezone('UTC', f.updated_at) as updated_at, c.champion_name, c.champion_email,
    (select min(a.action_date) from followup_actions a where a.followup_id = f.id) as first_action,
    (select count(*) from followup_actions a where a.followup_id = f.id) as actions, f.group_id
from followups f
left join champions c on c.dimension = f.dimension and c.group_id = f.group_id
order by f.id
