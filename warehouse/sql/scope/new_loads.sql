-- The earliest report date that has a Copilot user-detail load newer than the last transform: a new day,
-- the same day collected again (its latest load wins as a whole), or concealed names replaced by clear ones.
select min(_report_refresh_date)
from raw_copilot_usage_user_detail
where _loaded_at > (select loaded_at from _transform_state)
