-- Imported Agent usage exports, user details table (admin center only; no Graph API): one row per report date
-- and user, the latest import of a report date winning as a whole.
-- materialized: view
select
    _run_id as run_id, _loaded_at as loaded_at, _as_of as as_of,
    parse_int(replace(_period, 'D', '')) as period_days,
    lower(trim(user_principal_name)) as upn_key,
    regexp_full_match(trim(user_principal_name), '[0-9A-F]{32}') as is_concealed,
    parse_int(agents_used) as agents_used,
    parse_int(agent_responses) as agent_responses,
    parse_date(last_activity_date) as last_activity_date
from raw_import_agent_users
qualify _run_id = arg_max(_run_id, (_loaded_at, _run_id)) over (partition by _as_of)
    and row_number() over (partition by _as_of, lower(trim(user_principal_name)) order by _loaded_at desc, _line) = 1
