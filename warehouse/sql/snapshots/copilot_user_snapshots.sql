-- The typed form of the Copilot user detail, derived when a load lands (warehouse/snapshots.py): one row per
-- report refresh date (as_of) and user, for the dates between the variables snapshot_from and snapshot_to.
-- The latest load of a snapshot (report refresh date, period) wins as a whole: Microsoft restates the last 3
-- days, the same day may be collected twice, and a load with concealed names (hashed UPNs) must not survive next
-- to a later clear one. Admin-center exports (`copilot-usage import`, raw_import_copilot_usage) carry the same
-- per-user dates and fill report dates the collector has no Graph load for; where Graph has one, Graph wins for
-- that date (docs/imports.md). The periods a date was collected for (D7, D28, ...) become one row: dates and
-- counts from the 28-day row if there is one (else the longest), the 7-day prompt counts beside them. The raw
-- text stays in the raw_* tables for audit; the model reads only this table, so a rebuild parses nothing.
insert into copilot_user_snapshots by name
with graph_dates as (
    select distinct _report_refresh_date as as_of
    from raw_copilot_usage_user_detail
    where _report_refresh_date between getvariable('snapshot_from') and getvariable('snapshot_to')
    union
    select report_refresh_date from _runs
    where report = 'copilot_usage_user_detail' and status in ('ok', 'warning')
      and report_refresh_date between getvariable('snapshot_from') and getvariable('snapshot_to')
),
keyed as (
    -- decided on the narrow key columns only (a window over whole rows costs several times more); rowid
    -- identifies the row in the same scan of the raw table
    select 0 as src, rowid as rid, _report_refresh_date, _loaded_at, _run_id,
           coalesce(parse_int(report_period), parse_int(replace(_period, 'D', ''))) as period_days,
           lower(trim(user_principal_name)) as upn_key
    from raw_copilot_usage_user_detail
    where user_principal_name is not null and trim(user_principal_name) <> ''
      and _report_refresh_date between getvariable('snapshot_from') and getvariable('snapshot_to')
    union all
    select 1, rowid, _as_of, _loaded_at, _run_id,
           coalesce(parse_int(report_period), parse_int(replace(_period, 'D', ''))),
           lower(trim(user_principal_name))
    from raw_import_copilot_usage
    where user_principal_name is not null and trim(user_principal_name) <> ''
      and _as_of between getvariable('snapshot_from') and getvariable('snapshot_to')
      and _as_of not in (select as_of from graph_dates)
),
winning_load as (
    select _report_refresh_date, period_days, arg_max(_run_id, (_loaded_at, _run_id)) as _run_id
    from keyed
    group by all
),
latest as (
    -- one row per user within the winning load (a report may repeat a row)
    select k.src, min(k.rid) as rid
    from keyed k
    join winning_load w using (_report_refresh_date, period_days, _run_id)
    group by k.src, k._report_refresh_date, k.period_days, k.upn_key
),
source as (
    select * from raw_copilot_usage_user_detail
    where _report_refresh_date between getvariable('snapshot_from') and getvariable('snapshot_to')
      and rowid in (select rid from latest where src = 0)
    union all by name
    select * exclude (_as_of, _file_name, _sha256, _line, _extra), _as_of as _report_refresh_date
    from raw_import_copilot_usage
    where _as_of between getvariable('snapshot_from') and getvariable('snapshot_to')
      and rowid in (select rid from latest where src = 1)
),
typed as (
    select
        _run_id as run_id,
        _loaded_at as loaded_at,
        _report_refresh_date as as_of,
        -- the version the load was asked for and got (v1 after a refused v2): only a v2 load has the v2 apps
        _version as report_version,
        coalesce(parse_int(report_period), parse_int(replace(_period, 'D', ''))) as period_days,
        trim(user_principal_name) as user_principal_name,
        lower(trim(user_principal_name)) as upn_key,
        -- concealed identities are 32 upper-case hex characters and cannot be joined to Entra
        regexp_full_match(trim(user_principal_name), '[0-9A-F]{32}') as is_concealed,
        -- app 'any' is the report's own Last Activity Date (all apps), never recomputed from the app columns
        parse_date(last_activity_date) as any_date,
        parse_date(microsoft_teams_copilot_last_activity_date) as teams_date,
        parse_date(word_copilot_last_activity_date) as word_date,
        parse_date(excel_copilot_last_activity_date) as excel_date,
        parse_date(powerpoint_copilot_last_activity_date) as powerpoint_date,
        parse_date(outlook_copilot_last_activity_date) as outlook_date,
        parse_date(onenote_copilot_last_activity_date) as onenote_date,
        parse_date(loop_copilot_last_activity_date) as loop_date,
        -- v2 splits chat into (work) and (web) and keeps the v1 column: one chat date, never double counted
        greatest(parse_date(copilot_chat_last_activity_date), parse_date(copilot_chat_work_last_activity_date),
                 parse_date(copilot_chat_web_last_activity_date)) as copilot_chat_date,
        parse_int(prompts_submitted_for_all_apps) as prompts,
        coalesce(parse_int(prompts_submitted_for_copilot_chat_work), 0)
            + coalesce(parse_int(prompts_submitted_for_copilot_chat_web), 0) as chat_prompts,
        -- v2 only (docs/apps.md): Copilot Chat in the browser, the Microsoft 365 Copilot app, Edge, agents
        parse_date(copilot_chat_web_last_activity_date) as copilot_chat_web_date,
        parse_date(microsoft_365_copilot_last_activity_date) as m365_copilot_app_date,
        parse_date(edge_last_activity_date) as edge_date,
        parse_date(copilot_agent_last_activity_date) as agents_date,
        parse_int(active_usage_days_for_all_apps) as active_usage_days
    from source
    where user_principal_name is not null and trim(user_principal_name) <> ''
)
select
    as_of, upn_key, p.user_principal_name, is_concealed, p.run_id, loaded_at, v2_apps, periods,
    p.any_date, p.teams_date, p.word_date, p.excel_date, p.powerpoint_date, p.outlook_date, p.onenote_date,
    p.loop_date, p.copilot_chat_date, p.copilot_chat_web_date, p.m365_copilot_app_date, p.edge_date, p.agents_date,
    p.active_usage_days, p.prompts, p.chat_prompts, prompts_7, chat_prompts_7
from (
    select
        as_of, upn_key,
        -- last-activity dates do not depend on the period: the preferred row's
        arg_max_null({'user_principal_name': user_principal_name, 'run_id': run_id, 'any_date': any_date,
                      'teams_date': teams_date, 'word_date': word_date, 'excel_date': excel_date,
                      'powerpoint_date': powerpoint_date, 'outlook_date': outlook_date, 'onenote_date': onenote_date,
                      'loop_date': loop_date, 'copilot_chat_date': copilot_chat_date,
                      'copilot_chat_web_date': copilot_chat_web_date, 'm365_copilot_app_date': m365_copilot_app_date,
                      'edge_date': edge_date, 'agents_date': agents_date, 'active_usage_days': active_usage_days,
                      'prompts': prompts, 'chat_prompts': chat_prompts},
                     (period_days = 28, coalesce(period_days, 0))) as p,
        bool_or(is_concealed) as is_concealed,
        max(loaded_at) as loaded_at,
        bool_and(report_version = 'v2') as v2_apps,
        list(distinct period_days order by period_days) as periods,
        max(prompts) filter (where period_days = 7) as prompts_7,
        max(chat_prompts) filter (where period_days = 7) as chat_prompts_7
    from typed
    group by as_of, upn_key
)
order by as_of, upn_key
