-- Admin-center CSV exports imported with `copilot-usage import` (docs/imports.md). One row per imported file;
-- sha256 is the file content's hash: the same content is never imported twice.
create table if not exists _imports (
    run_id varchar primary key,
    kind varchar not null,
    file_name varchar not null,
    sha256 varchar not null unique,
    rows bigint not null,
    bytes bigint not null,
    as_of date not null,              -- the report date the export covers up to
    period_days integer,              -- the timeframe selected in the admin center, when known
    date_format varchar,              -- the file's date format, decided once per file (dd/mm/yyyy, ...)
    header varchar not null,          -- the header row as delivered (JSON list)
    imported_at timestamptz not null
);

-- Append-only landings, one table per kind. Values as delivered (trimmed), except dates, which are re-written
-- as YYYY-MM-DD in the file's detected format; _line is the file line, _extra the columns no kind maps (JSON).
-- Column names are the Graph report's where the meaning is the same (connector/import_kinds.py).
create table if not exists raw_import_copilot_usage (
    _run_id varchar not null, _loaded_at timestamptz not null, _file_name varchar not null, _sha256 varchar not null,
    _as_of date not null, _period varchar, _line bigint, _extra varchar,
    user_principal_name varchar,
    display_name varchar,
    last_activity_date varchar,
    microsoft_teams_copilot_last_activity_date varchar,
    word_copilot_last_activity_date varchar,
    excel_copilot_last_activity_date varchar,
    powerpoint_copilot_last_activity_date varchar,
    outlook_copilot_last_activity_date varchar,
    onenote_copilot_last_activity_date varchar,
    loop_copilot_last_activity_date varchar,
    copilot_chat_last_activity_date varchar,
    copilot_chat_work_last_activity_date varchar,
    copilot_chat_web_last_activity_date varchar,
    microsoft_365_copilot_last_activity_date varchar,
    edge_last_activity_date varchar,
    copilot_agent_last_activity_date varchar,
    prompts_submitted_for_all_apps varchar,
    prompts_submitted_for_copilot_chat_work varchar,
    prompts_submitted_for_copilot_chat_web varchar,
    active_usage_days_for_all_apps varchar,
    report_period varchar
);
create table if not exists raw_import_copilot_chat (
    _run_id varchar not null, _loaded_at timestamptz not null, _file_name varchar not null, _sha256 varchar not null,
    _as_of date not null, _period varchar, _line bigint, _extra varchar,
    user_principal_name varchar,
    display_name varchar,
    last_activity_date varchar
);
create table if not exists raw_import_agent_users (
    _run_id varchar not null, _loaded_at timestamptz not null, _file_name varchar not null, _sha256 varchar not null,
    _as_of date not null, _period varchar, _line bigint, _extra varchar,
    user_principal_name varchar,
    display_name varchar,
    agents_used varchar,
    agent_responses varchar,
    last_activity_date varchar
);
create table if not exists raw_import_agents (
    _run_id varchar not null, _loaded_at timestamptz not null, _file_name varchar not null, _sha256 varchar not null,
    _as_of date not null, _period varchar, _line bigint, _extra varchar,
    agent_id varchar,
    agent_name varchar,
    creator_type varchar,
    active_users_licensed varchar,
    active_users_unlicensed varchar,
    responses varchar,
    last_activity_date varchar
);
