select 'mart_usage_by_group' as mart, group_name from mart_usage_by_group
where in_as_of_scope(as_of) and suppressed and (active_users is not null or active_rate is not null)
union all
select 'mart_adoption_weekly', group_name from mart_adoption_weekly
where in_week_scope(week_start) and suppressed
  and (active_users is not null or prompts is not null or habit_rate is not null or eligible_active_users is not null
       or weekly_active_rate is not null)
union all
select 'mart_stagnation', group_name from mart_stagnation
where suppressed and (active_rate is not null or flagged or weekly_rates is not null or weekly_active_rate is not null)
union all
select 'mart_acceptance_heatmap', group_name from mart_acceptance_heatmap
where suppressed and (active_rate is not null or previous_active_rate is not null or weekly_active_rate is not null)
