-- Weekly active rate of some groups of one dimension for one app (group × week): the groups in $groups, or, when
-- that list is empty, the $top groups with the most licensed users on the latest report date.
with chosen as (
    select unnest($groups::varchar[]) as group_name
    union
    (select group_name
     from mart_acceptance_heatmap
     where dimension = $dimension and app = 'any' and len($groups::varchar[]) = 0
     order by licensed_users desc nulls last, group_name
     limit $top)
)
select week_start, group_name, licensed_users, active_users, active_rate, complete_week, suppressed
from mart_adoption_weekly
where dimension = $dimension and app = $app and group_name in (select group_name from chosen)
order by group_name, week_start
