-- Tenant-level daily enabled/active users per app; each report date takes the value of its latest
-- refresh (the last 3 days are revised upwards as Microsoft gap-fills them).
-- materialized: view
with source as (
    select * from raw_copilot_user_count_trend
),
typed as (
    select
        _report_refresh_date as refreshed_on,
        _loaded_at as loaded_at,
        parse_date(report_date) as report_date,
        parse_int(any_app_enabled_users) as enabled_users,
        parse_int(any_app_active_users) as any_active,
        parse_int(microsoft_teams_active_users) as teams_active,
        parse_int(word_active_users) as word_active,
        parse_int(excel_active_users) as excel_active,
        parse_int(powerpoint_active_users) as powerpoint_active,
        parse_int(outlook_active_users) as outlook_active,
        parse_int(onenote_active_users) as onenote_active,
        parse_int(loop_active_users) as loop_active,
        parse_int(copilot_chat_active_users) as copilot_chat_active,
        parse_int(prompts_submitted) as prompts
    from source
)
select * exclude (loaded_at, refreshed_on), refreshed_on as latest_refresh from typed
where report_date is not null
qualify row_number() over (partition by report_date order by refreshed_on desc, loaded_at desc) = 1
