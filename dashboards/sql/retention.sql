-- What per-user data the warehouse keeps and since when, and whether identities are pseudonymised (one row).
select as_of, retention_days, purged_before, per_user_from, aggregates_from, weeks_from, pseudonymised,
       strftime(pseudonymised_since, '%Y-%m-%d') as pseudonymised_since
from mart_privacy_status
