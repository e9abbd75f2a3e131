-- The activity calendar: each last-activity date seen in any snapshot is a day the user was active in
-- that app. Daily collection reconstructs every active day; gaps in collection can only miss days.
create or replace table int_activity_days as
with date_sets as (
    -- successive snapshots mostly repeat a user's dates: reduce to distinct sets first, each with the latest
    -- snapshot that reported it (a date counts when it is not after the snapshot that reported it)
    select upn_key, any_date, teams_date, word_date, excel_date, powerpoint_date, outlook_date, onenote_date,
           loop_date, copilot_chat_date, max(as_of) as as_of
    from stg_copilot_user_detail
    where not is_concealed
    group by all
)
select distinct upn_key, replace(app, '_date', '') as app, activity_date
from (
    unpivot date_sets
    on any_date, teams_date, word_date, excel_date, powerpoint_date, outlook_date, onenote_date, loop_date,
       copilot_chat_date
    into name app value activity_date
)
where activity_date <= as_of
