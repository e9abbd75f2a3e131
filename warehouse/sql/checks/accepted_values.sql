select 'app' as field, app as value from mart_usage_by_group
where in_as_of_scope(as_of)
  and app not in ('any', 'teams', 'word', 'excel', 'powerpoint', 'outlook', 'onenote', 'loop', 'copilot_chat')
union all
select 'dimension', dimension from mart_usage_by_group
where in_as_of_scope(as_of) and dimension not in ('tenant', 'department', 'job_function', 'manager')
union all
select 'window_days', window_days::varchar from mart_usage_by_group where in_as_of_scope(as_of) and window_days not in (7, 28)
