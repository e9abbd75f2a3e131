-- Each agent's use per imported report date, from the admin center's Agent usage export (agent details table;
-- no Graph API, docs/imports.md). The latest import of a report date wins as a whole. No person is named here.
-- materialized: table
select
    _as_of as as_of,
    parse_int(replace(_period, 'D', ''))::integer as period_days,
    trim(agent_id) as agent_id,
    trim(agent_name) as agent_name,
    trim(creator_type) as creator_type,
    parse_int(active_users_licensed)::integer as active_users_licensed,
    parse_int(active_users_unlicensed)::integer as active_users_unlicensed,
    parse_int(responses) as responses,
    parse_date(last_activity_date) as last_activity_date
from raw_import_agents
qualify _run_id = arg_max(_run_id, (_loaded_at, _run_id)) over (partition by _as_of)
    and row_number() over (partition by _as_of, trim(agent_id) order by _line) = 1
