-- The typed Copilot user detail, one row per report refresh date and user (sql/snapshots/): derived from the
-- raw text when a load lands, so that a rebuild of the model never parses the raw rows again. An existing
-- warehouse gets it at its next transform (warehouse/snapshots.py: no _snapshot_state yet).
create table if not exists copilot_user_snapshots (
    as_of date not null,
    upn_key varchar not null,
    user_principal_name varchar,
    is_concealed boolean,
    run_id varchar,
    loaded_at timestamptz,
    v2_apps boolean,
    periods integer[],
    any_date date, teams_date date, word_date date, excel_date date, powerpoint_date date, outlook_date date,
    onenote_date date, loop_date date, copilot_chat_date date, copilot_chat_web_date date,
    m365_copilot_app_date date, edge_date date, agents_date date,
    active_usage_days integer,
    prompts integer,
    chat_prompts integer,
    prompts_7 integer,
    chat_prompts_7 integer
);
-- the fingerprint of the SQL the table was last derived with in full (a changed one derives it again)
create table if not exists _snapshot_state (fingerprint varchar, derived_at timestamptz);
