-- The last run of each report and period: status, size, dates and message.
select
    report, period, status, strftime(timezone('UTC', finished_at), '%Y-%m-%d %H:%M UTC') as finished,
    report_refresh_date, rows, message
from _runs
qualify row_number() over (partition by report, period order by finished_at desc) = 1
order by report, period
