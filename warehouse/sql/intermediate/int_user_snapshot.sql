-- One row per report refresh date (as_of) and Copilot-licensed user: the user's groups at the time that
-- snapshot was collected, and their last Copilot activity per app. Snapshots with concealed names cannot
-- be joined to users and are left out here (mart_data_status says so).
-- materialized: incremental
-- increment: as_of >= from_as_of
with detail as (
    -- one row per report date and user already (copilot_user_snapshots): dates from the 28-day row, the 7-day
    -- prompt counts beside them
    select * from stg_copilot_user_detail where in_as_of_scope(as_of)
),
users_at as (
    select s.as_of, g.*
    from int_copilot_snapshots s
    join int_user_groups g on g.valid_from <= s.loaded_at and s.loaded_at < g.valid_to
    where g.is_licensed and not s.concealed and in_as_of_scope(s.as_of)
)
select
    u.as_of, u.id, u.upn_key, u.department, u.job_function, u.manager_team, u.licensed_since,
    u.licensed_since_source,
    d.any_date, d.teams_date, d.word_date, d.excel_date, d.powerpoint_date, d.outlook_date, d.onenote_date,
    d.loop_date, d.copilot_chat_date, d.active_usage_days, d.prompts_7, d.chat_prompts_7,
    d.copilot_chat_web_date, d.m365_copilot_app_date, d.edge_date, d.agents_date  -- v2 only (docs/apps.md)
from users_at u
left join detail d on d.as_of = u.as_of and d.upn_key = u.upn_key
