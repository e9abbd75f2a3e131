-- Group × app on the latest report date and week, with levels (cold..hot or suppressed) and counts: the groups in
-- $groups, or, when that list is empty, the $top groups with the most licensed users.
with chosen as (
    select unnest($groups::varchar[]) as group_name
    union
    (select group_name
     from mart_acceptance_heatmap
     where dimension = $dimension and app = 'any' and len($groups::varchar[]) = 0
     order by licensed_users desc nulls last, group_name
     limit $top)
)
select
    as_of, week_start, group_name, app, licensed_users, active_users_28d, active_rate_28d, weekly_active_rate,
    level, level_rank, app_users, copilot_app_users, suppressed
from mart_acceptance_heatmap
where dimension = $dimension and group_name in (select group_name from chosen)
order by group_name, app
