-- NaN is not a number a reader can use: undefined values must be NULL (e.g. a slope over one week).
select 'mart_stagnation' as mart, week_start::varchar as key from mart_stagnation
where isnan(active_rate) or isnan(first_rate) or isnan(slope_pts_per_week) or isnan(rate_high) or isnan(impact)
union all
select 'mart_adoption_weekly', week_start::varchar from mart_adoption_weekly
where in_week_scope(week_start)
  and (isnan(active_rate) or isnan(active_days_per_active_user) or isnan(breadth) or isnan(habit_rate))
union all
select 'mart_usage_by_group', as_of::varchar from mart_usage_by_group where in_as_of_scope(as_of) and isnan(active_rate)
union all
select 'mart_acceptance_heatmap', as_of::varchar from mart_acceptance_heatmap
where isnan(active_rate_28d) or isnan(weekly_active_rate) or isnan(copilot_share_of_app_users) or isnan(active_rate)
   or isnan(previous_active_rate)
