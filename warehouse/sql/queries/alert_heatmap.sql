-- Weekly active rate per group and app for the alert heatmap: the week $week of the groups in $groups
-- (a list of [dimension, group_name]). Suppressed cells keep their NULL rate and are drawn without numbers.
select a.dimension, a.group_name, a.app, a.licensed_users, a.active_users, a.active_rate, a.suppressed
from mart_adoption_weekly a
where a.week_start = $week
  and list_contains($groups, [a.dimension, a.group_name])
order by a.dimension, a.group_name, a.app
