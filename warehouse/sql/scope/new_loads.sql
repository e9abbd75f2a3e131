-- The earliest report date that has a Copilot user-detail load newer than the last transform: a new day,
-- the same day collected again (its latest load wins as a whole), concealed names replaced by clear ones, or an
-- imported admin-center export (copilot-usage import).
select min(d) from (
    select _report_refresh_date as d
    from raw_copilot_usage_user_detail
    where _loaded_at > (select loaded_at from _transform_state)
    union all
    select _as_of
    from raw_import_copilot_usage
    where _loaded_at > (select loaded_at from _transform_state)
)
