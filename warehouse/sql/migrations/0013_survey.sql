-- Pulse-survey results imported with `copilot-usage survey import` (docs/survey.md). One row per imported file;
-- sha256 is the content's hash: the same content is never imported twice. rejected: the lines not loaded, with
-- their number, column and reason (JSON list), so an import can be explained later.
create table if not exists _survey_imports (
    run_id varchar primary key,
    file_name varchar not null,
    sha256 varchar not null unique,
    wave varchar,                     -- the --wave name; NULL: each answer's wave is its response month
    lines_read bigint not null,
    lines_loaded bigint not null,
    lines_rejected bigint not null,
    answers bigint not null,
    date_format varchar,
    header varchar not null,          -- the header row as delivered (JSON list)
    unmapped varchar,                 -- question columns no [survey] question maps (JSON list), not loaded
    rejected varchar,                 -- JSON list of {line, column, reason}
    imported_at timestamptz not null
);

-- One row per answer: never shown to a reader (only mart_survey_kpis, aggregated and suppressed, is public).
-- upn_key: the respondent (lower-case UPN), NULL for an anonymous export, which names group_name instead.
-- scale_min / scale_max: the KPI's scale when imported, so a later change of [survey] does not re-read old answers.
create table if not exists survey_answers (
    run_id varchar not null,
    file_name varchar not null,
    line bigint not null,
    wave varchar not null,
    response_date date not null,
    upn_key varchar,
    group_dimension varchar,
    group_name varchar,
    question varchar not null,        -- the column header
    kpi varchar not null,
    value double not null,
    scale_min double not null,
    scale_max double not null,
    primary key (run_id, line, question)
);
