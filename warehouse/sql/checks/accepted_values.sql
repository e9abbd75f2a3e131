select 'app' as field, app as value from mart_usage_by_group
where in_as_of_scope(as_of)
  and app not in ('any', 'teams', 'word', 'excel', 'powerpoint', 'outlook', 'onenote', 'loop', 'copilot_chat',
                  'copilot_chat_web', 'm365_copilot_app', 'edge', 'agents')
union all
select 'dimension', dimension from mart_usage_by_group
where in_as_of_scope(as_of) and dimension not in ('tenant', 'department', 'job_function', 'manager')
union all
select 'window_days', window_days::varchar from mart_usage_by_group where in_as_of_scope(as_of) and window_days not in (7, 28)
union all
select 'mart_stagnation.status', status from mart_stagnation
where status not in ('flagged', 'below_target', 'on_track', 'collecting_history', 'too_small')
union all
select 'mart_stagnation.level', level from mart_stagnation
where level not in ('cold', 'cool', 'warm', 'hot', 'suppressed', 'too_small')
union all
select 'mart_acceptance_heatmap.level', level from mart_acceptance_heatmap
where level not in ('cold', 'cool', 'warm', 'hot', 'suppressed', 'too_small')
