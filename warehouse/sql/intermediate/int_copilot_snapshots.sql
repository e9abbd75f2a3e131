-- One row per report refresh date of the Copilot user detail: when its latest load landed, whether its
-- identities were concealed, and how many users it listed.
create or replace table int_copilot_snapshots as
select as_of, max(loaded_at) as loaded_at, bool_or(is_concealed) as concealed,
       count(distinct upn_key) as report_users
from stg_copilot_user_detail
group by as_of
