-- One row per report (or directory resource) per collection run.
create table if not exists _runs (
    run_id varchar not null,
    report varchar not null,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,          -- ok | warning | error | throttled | skipped
    rows bigint,
    bytes bigint,
    requests integer,
    report_refresh_date date,
    version varchar,
    period varchar,
    message varchar,
    primary key (run_id, report, period)
);

-- The whole @odata.deltaLink of the last complete users sync (Graph: persist it entire).
create table if not exists _delta_links (
    resource varchar primary key,
    delta_link varchar not null,
    run_id varchar not null,
    saved_at timestamptz not null
);
