-- Imported Copilot Chat exports (admin center; Graph has no API for unlicensed Chat usage), typed: one row per
-- report date and user. The latest import of a report date wins as a whole, as for Graph loads.
-- materialized: view
select
    _run_id as run_id, _loaded_at as loaded_at, _as_of as as_of,
    parse_int(replace(_period, 'D', '')) as period_days,
    lower(trim(user_principal_name)) as upn_key,
    regexp_full_match(trim(user_principal_name), '[0-9A-F]{32}') as is_concealed,
    parse_date(last_activity_date) as last_activity_date
from raw_import_copilot_chat
qualify _run_id = arg_max(_run_id, (_loaded_at, _run_id)) over (partition by _as_of)
    and row_number() over (partition by _as_of, lower(trim(user_principal_name)) order by _loaded_at desc, _line) = 1
