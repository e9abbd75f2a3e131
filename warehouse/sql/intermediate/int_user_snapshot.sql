-- One row per report refresh date (as_of) and Copilot-licensed user: the user's groups at the time that
-- snapshot was collected, and their last Copilot activity per app. Snapshots with concealed names cannot
-- be joined to users and are left out here (mart_data_status says so).
-- increment: as_of >= from_as_of
with detail as (
    -- last-activity dates do not depend on the period; prefer the 28-day row for the v2 window counts, and
    -- take the 7-day prompt counts in the same pass (one read of the staging view, the costliest part)
    select *,
           max(prompts) filter (where period_days = 7) over by_user as prompts_7,
           max(chat_prompts) filter (where period_days = 7) over by_user as chat_prompts_7
    from stg_copilot_user_detail
    where in_as_of_scope(as_of)
    window by_user as (partition by as_of, upn_key)
    qualify row_number() over (partition by as_of, upn_key order by (period_days = 28) desc, period_days desc) = 1
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
