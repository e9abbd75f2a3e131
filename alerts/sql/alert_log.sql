-- The sent log, optionally of one week ($week null = all weeks).
select week_start, recipient, kind, status, attempts, len(groups) as groups, error,
       timezone('UTC', last_attempt_at) as last_attempt_at
from alert_log
where $week is null or week_start = $week
order by week_start, kind, recipient
