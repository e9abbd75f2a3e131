-- What per-user data the warehouse keeps and since when, for the Data page and `privacy status` ([privacy],
-- docs/privacy.md): one row as of the latest report date. purged_before is the retention cut-off of the last
-- deletion (NULL: nothing was ever deleted); per-user rows start at per_user_from, the aggregates at the first
-- report date ever collected (aggregates_from, from the run log: they keep every date) and its ISO week
-- (weeks_from). It reads no other model object, so a change of the model never rebuilds it for that. Rebuilt by the
-- deletion itself (warehouse/retention.py), which runs after the rest of the model.
-- materialized: table
select l.as_of,
       (select max(retention_days) from _retention) as retention_days,
       (select max(purged_before) from _retention) as purged_before,
       (select min(as_of) from copilot_user_snapshots) as per_user_from,
       f.as_of as aggregates_from,
       date_trunc('week', f.as_of)::date as weeks_from,
       coalesce((select bool_or(pseudonymised) from _privacy), false) as pseudonymised,
       (select min(timezone('UTC', since))::date from _privacy) as pseudonymised_since
from (select max(as_of) as as_of from copilot_user_snapshots) l
cross join (select least((select min(report_refresh_date) from _runs where report = 'copilot_usage_user_detail'
                          and status in ('ok', 'warning')), (select min(as_of) from _imports)) as as_of) f
where l.as_of is not null
