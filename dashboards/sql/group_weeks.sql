-- Group × complete week: the raw weekly active rate (eligible people active on >= 1 day of the week) of one app,
-- for the groups in $groups, or, when that list is empty, the $top that matter (flagged first by people short of
-- target, then the largest), as the heatmap picks them. Also the 7-day reach (active_rate) for the trend view.
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
    week_start, group_name, licensed_users, active_users, active_rate, eligible_users, eligible_active_users,
    weekly_active_rate, complete_week, suppressed
from mart_adoption_weekly
where dimension = $dimension and app = $app and complete_week and group_name in (select group_name from chosen)
order by group_name, week_start
