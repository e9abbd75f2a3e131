-- The monthly report (docs/report.md): one row per month and recipient once sent (or tried), so the scheduler's
-- catch-up and a second run do not send a month twice.
create table if not exists report_log (
    month date not null,              -- the first day of the month the report covers
    recipient varchar not null,
    status varchar not null,          -- sent | failed
    error varchar,
    last_attempt_at timestamptz not null,
    primary key (month, recipient)
);
