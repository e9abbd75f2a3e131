-- The activity calendar: each last-activity date seen in any snapshot is a day the user was active in
-- that app. Daily collection reconstructs every active day; gaps in collection can only miss days. The v2-only
-- apps (docs/apps.md) have dates in v2 snapshots only, so a v1 tenant has no calendar rows for them.
-- first_as_of is the first snapshot that reported the date (a date counts from a snapshot on or after it):
-- an incremental transform rebuilds the rows first reported in its scope and keeps the others.
-- materialized: incremental
-- increment: first_as_of >= from_as_of
-- unique: upn_key, app, activity_date
with date_sets as (
    -- successive snapshots mostly repeat a user's dates: reduce to distinct sets first, each with the first
    -- snapshot on or after each of its dates
    select upn_key, any_date, teams_date, word_date, excel_date, powerpoint_date, outlook_date, onenote_date,
           loop_date, copilot_chat_date, copilot_chat_web_date, m365_copilot_app_date, edge_date, agents_date,
           min(as_of) filter (where as_of >= any_date) as any_first,
           min(as_of) filter (where as_of >= teams_date) as teams_first,
           min(as_of) filter (where as_of >= word_date) as word_first,
           min(as_of) filter (where as_of >= excel_date) as excel_first,
           min(as_of) filter (where as_of >= powerpoint_date) as powerpoint_first,
           min(as_of) filter (where as_of >= outlook_date) as outlook_first,
           min(as_of) filter (where as_of >= onenote_date) as onenote_first,
           min(as_of) filter (where as_of >= loop_date) as loop_first,
           min(as_of) filter (where as_of >= copilot_chat_date) as copilot_chat_first,
           min(as_of) filter (where as_of >= copilot_chat_web_date) as copilot_chat_web_first,
           min(as_of) filter (where as_of >= m365_copilot_app_date) as m365_copilot_app_first,
           min(as_of) filter (where as_of >= edge_date) as edge_first,
           min(as_of) filter (where as_of >= agents_date) as agents_first
    from stg_copilot_user_detail
    where not is_concealed and in_as_of_scope(as_of)
    group by all
)
select upn_key, app, activity_date, min(first_as_of) as first_as_of
from (
    unpivot date_sets
    on (any_date, any_first) as "any", (teams_date, teams_first) as teams, (word_date, word_first) as word,
       (excel_date, excel_first) as excel, (powerpoint_date, powerpoint_first) as powerpoint,
       (outlook_date, outlook_first) as outlook, (onenote_date, onenote_first) as onenote,
       (loop_date, loop_first) as "loop", (copilot_chat_date, copilot_chat_first) as copilot_chat,
       (copilot_chat_web_date, copilot_chat_web_first) as copilot_chat_web,
       (m365_copilot_app_date, m365_copilot_app_first) as m365_copilot_app, (edge_date, edge_first) as edge,
       (agents_date, agents_first) as agents
    into name app value activity_date, first_as_of
)
where first_as_of is not null
group by all
