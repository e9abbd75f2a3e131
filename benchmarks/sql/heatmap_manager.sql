-- Heatmap for the largest dimension (manager teams), coldest first, one page of 50 rows.
select group_name, app, licensed_users, weekly_active_rate, level
from mart_acceptance_heatmap
where dimension = 'manager' and not suppressed
order by level_rank, weekly_active_rate, group_name, app
limit 50
