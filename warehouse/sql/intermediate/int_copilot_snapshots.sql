-- One row per report refresh date of the Copilot user detail: when its latest load landed, whether its
-- identities were concealed, and how many users it listed.
-- increment: as_of >= from_as_of
select as_of, max(loaded_at) as loaded_at, bool_or(is_concealed) as concealed,
       count(distinct upn_key) as report_users
from stg_copilot_user_detail
where in_as_of_scope(as_of)
group by as_of
