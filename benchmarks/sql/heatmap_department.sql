-- Heatmap: department x app, latest week.
select group_name, app, licensed_users, weekly_active_rate, active_rate_28d, level, level_rank,
       copilot_share_of_app_users
from mart_acceptance_heatmap
where dimension = 'department'
order by group_name, app
