-- The admin-center files imported with `copilot-usage import`, for the Data page: what each became and whether
-- it is in use. An imported Copilot usage export is superseded for a report date Graph was collected for
-- (Graph wins, docs/imports.md); of several imports of one kind and report date, the latest is used.
-- materialized: table
with graph_dates as (
    select distinct report_refresh_date as as_of
    from _runs
    where report = 'copilot_usage_user_detail' and status in ('ok', 'warning') and report_refresh_date is not null
)
select
    i.run_id, i.kind, i.file_name, i.rows, i.as_of, i.period_days, i.date_format,
    timezone('UTC', i.imported_at) as imported_at_utc,
    case
        when i.kind = 'copilot_usage' and i.as_of in (select as_of from graph_dates)
            then 'not used: Graph was collected for this report date and wins'
        when i.imported_at < max(i.imported_at) over (partition by i.kind, i.as_of)
            then 'not used: a later import of the same report date wins'
        else 'in use'
    end as used
from _imports i
