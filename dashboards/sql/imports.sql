-- The admin-center files imported with `copilot-usage import`, newest first, and whether each is in use.
select kind, file_name, rows, as_of, period_days, date_format,
       strftime(imported_at_utc, '%Y-%m-%d %H:%M UTC') as imported, used
from mart_imports
order by imported_at_utc desc
