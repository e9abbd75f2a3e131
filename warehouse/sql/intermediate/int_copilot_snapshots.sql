-- One row per report refresh date of the Copilot user detail: when its latest load landed, whether its
-- identities were concealed, how many users it listed, and whether it has the v2-only apps (every load of the
-- date was a v2 one: a v1 fallback has no Edge, agent, ... columns, so nothing can be said about them).
-- materialized: incremental
-- increment: as_of >= from_as_of
select as_of, max(loaded_at) as loaded_at, bool_or(is_concealed) as concealed,
       count(*) as report_users, coalesce(bool_and(v2_apps), false) as v2_apps
from stg_copilot_user_detail
where in_as_of_scope(as_of)
group by as_of
