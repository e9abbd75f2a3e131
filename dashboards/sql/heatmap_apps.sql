-- Group × app on the latest report date and week, with levels (cold..hot or suppressed) and counts.
select
    as_of, week_start, group_name, app, licensed_users, active_users_28d, active_rate_28d, weekly_active_rate,
    level, level_rank, app_users, copilot_app_users, suppressed
from mart_acceptance_heatmap
where dimension = $dimension
order by group_name, app
