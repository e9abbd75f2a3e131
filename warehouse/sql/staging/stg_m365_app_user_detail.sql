-- Which Microsoft 365 apps each user used in the report period (booleans arrive as Yes/No or True/False), and
-- the user's last activity in any of them (successive daily reports give the days a user was active).
-- materialized: view
with source as (
    select * from raw_m365_app_user_detail
),
typed as (
    select
        _report_refresh_date as as_of,
        _loaded_at as loaded_at,
        _run_id as run_id,
        lower(trim(user_principal_name)) as upn_key,
        parse_date(last_activity_date) as last_activity_date,
        lower(trim(word)) in ('yes', 'true', '1') as word,
        lower(trim(excel)) in ('yes', 'true', '1') as excel,
        lower(trim(powerpoint)) in ('yes', 'true', '1') as powerpoint,
        lower(trim(outlook)) in ('yes', 'true', '1') as outlook,
        lower(trim(onenote)) in ('yes', 'true', '1') as onenote,
        lower(trim(teams)) in ('yes', 'true', '1') as teams
    from source
    where user_principal_name is not null
)
select * exclude (loaded_at, run_id) from typed
-- the latest load of a report date wins as a whole (a concealed-names load is replaced, not mixed in)
qualify dense_rank() over (partition by as_of order by loaded_at desc, run_id desc) = 1
    and row_number() over (partition by as_of, run_id, upn_key order by loaded_at desc) = 1
