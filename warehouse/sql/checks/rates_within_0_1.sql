select 'mart_usage_by_group' as mart, active_rate as rate from mart_usage_by_group
where in_as_of_scope(as_of) and (active_rate not between 0 and 1 or active_users > licensed_users)
union all
select 'mart_adoption_weekly', active_rate from mart_adoption_weekly
where in_week_scope(week_start) and (active_rate not between 0 and 1 or habit_rate not between 0 and 1)
union all
select 'mart_adoption_weekly', weekly_active_rate from mart_adoption_weekly
where in_week_scope(week_start) and (weekly_active_rate not between 0 and 1 or eligible_active_users > eligible_users
                                     or eligible_users > licensed_users)
union all
select 'mart_stagnation', active_rate from mart_stagnation
where active_rate not between 0 and 1 or weekly_active_rate not between 0 and 1 or rate_high not between 0 and 1
   or rate_high < active_rate
union all
select 'mart_acceptance_heatmap', copilot_share_of_app_users from mart_acceptance_heatmap
where copilot_share_of_app_users not between 0 and 1 or active_rate not between 0 and 1
   or previous_active_rate not between 0 and 1
