-- What per-user data the warehouse keeps and since when, for the Data page and `privacy status` ([privacy],
-- docs/privacy.md): one row as of the latest report date. purged_before is the retention cut-off of the last
-- deletion (NULL: nothing was ever deleted); per-user rows start at per_user_from, the aggregates at
-- aggregates_from (report dates) and weeks_from (ISO weeks). Rebuilt by the deletion itself (warehouse/retention.py),
-- which runs after the rest of the model.
-- materialized: table
select l.as_of,
       (select max(retention_days) from _retention) as retention_days,
       (select max(purged_before) from _retention) as purged_before,
       (select min(as_of) from copilot_user_snapshots) as per_user_from,
       (select min(as_of) from mart_usage_by_group) as aggregates_from,
       (select min(week_start) from mart_adoption_weekly) as weeks_from,
       coalesce((select bool_or(pseudonymised) from _privacy), false) as pseudonymised,
       (select min(timezone('UTC', since))::date from _privacy) as pseudonymised_since
from (select max(as_of) as as_of from copilot_user_snapshots) l
where l.as_of is not null
