-- What per-user data the warehouse keeps and since when ([privacy], docs/privacy.md): one row. A warehouse
-- built before the privacy tables existed reads as "everything kept, in clear".
select (select max(purged_before) from _retention) as purged_before,
       (select max(retention_days) from _retention) as retention_days,
       (select min(as_of) from copilot_user_snapshots) as per_user_from,
       (select min(as_of) from mart_usage_by_group) as aggregates_from,
       (select min(week_start) from mart_adoption_weekly) as weeks_from,
       (select bool_or(pseudonymised) from _privacy) as pseudonymised,
       (select strftime(timezone('UTC', min(since)), '%Y-%m-%d') from _privacy) as pseudonymised_since
