select 'mart_usage_by_group' as mart, as_of::varchar as k from mart_usage_by_group
where (as_of is null or in_as_of_scope(as_of))
  and (as_of is null or window_days is null or dimension is null or group_name is null or app is null)
union all
select 'mart_adoption_weekly', week_start::varchar from mart_adoption_weekly
where (week_start is null or in_week_scope(week_start))
  and (week_start is null or dimension is null or group_name is null or app is null)
union all
select 'mart_stagnation', week_start::varchar from mart_stagnation
where week_start is null or dimension is null or group_name is null or flagged is null or reason is null
