-- Group × app on the latest complete week: the headline (weekly active rate, pooled over the lookback weeks),
-- its level, the reach (28-day active) and counts. The groups in $groups, or, when that list is empty, the $top
-- that matter: flagged groups first (most people short of target first), then the largest.
with chosen as (
    select unnest($groups::varchar[]) as group_name
    union
    (select group_name
     from mart_acceptance_heatmap
     where dimension = $dimension and app = 'any' and len($groups::varchar[]) = 0
     order by coalesce(flagged, false) desc, impact desc nulls last, eligible_users desc nulls last,
              licensed_users desc nulls last, group_name
     limit $top)
)
select
    as_of, week_start, group_name, app, eligible_users, licensed_users, active_rate, previous_active_rate,
    weekly_active_rate, level, level_rank, status, flagged, impact, active_users_28d, active_rate_28d,
    app_users, copilot_app_users, suppressed
from mart_acceptance_heatmap
where dimension = $dimension and group_name in (select group_name from chosen)
order by group_name, app
