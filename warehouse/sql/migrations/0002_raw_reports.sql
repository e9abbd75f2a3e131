-- Append-only landings of the report CSVs. Only the bookkeeping columns are declared here: every
-- report column is added (as VARCHAR, name normalised) the first time a report delivers it, so
-- columns Microsoft adds later are kept, never dropped.
create table if not exists raw_copilot_usage_user_detail (
    _run_id varchar not null, _loaded_at timestamptz not null, _period varchar, _version varchar,
    _report_refresh_date date
);
create table if not exists raw_copilot_user_count_trend (
    _run_id varchar not null, _loaded_at timestamptz not null, _period varchar, _version varchar,
    _report_refresh_date date
);
create table if not exists raw_copilot_user_count_summary (
    _run_id varchar not null, _loaded_at timestamptz not null, _period varchar, _version varchar,
    _report_refresh_date date
);
create table if not exists raw_office365_active_user_detail (
    _run_id varchar not null, _loaded_at timestamptz not null, _period varchar, _version varchar,
    _report_refresh_date date
);
create table if not exists raw_m365_app_user_detail (
    _run_id varchar not null, _loaded_at timestamptz not null, _period varchar, _version varchar,
    _report_refresh_date date
);
create table if not exists raw_teams_user_activity_user_detail (
    _run_id varchar not null, _loaded_at timestamptz not null, _period varchar, _version varchar,
    _report_refresh_date date
);
create table if not exists raw_email_activity_user_detail (
    _run_id varchar not null, _loaded_at timestamptz not null, _period varchar, _version varchar,
    _report_refresh_date date
);
