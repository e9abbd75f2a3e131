-- Licensed and active users per report refresh date, window (7/28 days), group and app: history kept
-- for every as_of collected. Groups smaller than [model] min_group_size are suppressed.
create or replace table mart_usage_by_group as
with params as (
    select (select num from _model_params where name = 'min_group_size')::integer as min_size
),
members as (
    select s.*, unnest([{'dimension': 'tenant', 'group_name': 'Tenant'},
                        {'dimension': 'department', 'group_name': s.department},
                        {'dimension': 'job_function', 'group_name': s.job_function},
                        {'dimension': 'manager', 'group_name': s.manager_team}]) as g
    from int_user_snapshot s
),
counts as (
    select as_of, g.dimension as dimension, g.group_name as group_name, count(*) as licensed_users,
        count(*) filter (where any_date > as_of - 7) as any__7,
        count(*) filter (where any_date > as_of - 28) as any__28,
        count(*) filter (where teams_date > as_of - 7) as teams__7,
        count(*) filter (where teams_date > as_of - 28) as teams__28,
        count(*) filter (where word_date > as_of - 7) as word__7,
        count(*) filter (where word_date > as_of - 28) as word__28,
        count(*) filter (where excel_date > as_of - 7) as excel__7,
        count(*) filter (where excel_date > as_of - 28) as excel__28,
        count(*) filter (where powerpoint_date > as_of - 7) as powerpoint__7,
        count(*) filter (where powerpoint_date > as_of - 28) as powerpoint__28,
        count(*) filter (where outlook_date > as_of - 7) as outlook__7,
        count(*) filter (where outlook_date > as_of - 28) as outlook__28,
        count(*) filter (where onenote_date > as_of - 7) as onenote__7,
        count(*) filter (where onenote_date > as_of - 28) as onenote__28,
        count(*) filter (where loop_date > as_of - 7) as loop__7,
        count(*) filter (where loop_date > as_of - 28) as loop__28,
        count(*) filter (where copilot_chat_date > as_of - 7) as copilot_chat__7,
        count(*) filter (where copilot_chat_date > as_of - 28) as copilot_chat__28
    from members
    group by all
),
concealed as (
    -- concealed snapshots: only the tenant level is possible, straight from the report rows
    select d.as_of, 'tenant' as dimension, 'Tenant' as group_name,
        (select count(distinct g.id) from int_user_groups g
         where g.is_licensed and g.valid_from <= d.loaded_at and d.loaded_at < g.valid_to) as licensed_users,
        d.* exclude (as_of, loaded_at)
    from (
        select as_of, max(loaded_at) as loaded_at,
            count(*) filter (where any_date > as_of - 7) as any__7,
            count(*) filter (where any_date > as_of - 28) as any__28,
            count(*) filter (where teams_date > as_of - 7) as teams__7,
            count(*) filter (where teams_date > as_of - 28) as teams__28,
            count(*) filter (where word_date > as_of - 7) as word__7,
            count(*) filter (where word_date > as_of - 28) as word__28,
            count(*) filter (where excel_date > as_of - 7) as excel__7,
            count(*) filter (where excel_date > as_of - 28) as excel__28,
            count(*) filter (where powerpoint_date > as_of - 7) as powerpoint__7,
            count(*) filter (where powerpoint_date > as_of - 28) as powerpoint__28,
            count(*) filter (where outlook_date > as_of - 7) as outlook__7,
            count(*) filter (where outlook_date > as_of - 28) as outlook__28,
            count(*) filter (where onenote_date > as_of - 7) as onenote__7,
            count(*) filter (where onenote_date > as_of - 28) as onenote__28,
            count(*) filter (where loop_date > as_of - 7) as loop__7,
            count(*) filter (where loop_date > as_of - 28) as loop__28,
            count(*) filter (where copilot_chat_date > as_of - 7) as copilot_chat__7,
            count(*) filter (where copilot_chat_date > as_of - 28) as copilot_chat__28
        from (select * from stg_copilot_user_detail
              qualify row_number() over (partition by as_of, upn_key order by period_days desc) = 1)
        group by as_of
        having bool_or(is_concealed)
    ) d
),
long as (
    unpivot (select * from counts union all by name select * from concealed)
    on columns(* exclude (as_of, dimension, group_name, licensed_users))
    into name key value active_users
)
select
    as_of,
    split_part(key, '__', 2)::integer as window_days,
    dimension,
    group_name,
    split_part(key, '__', 1) as app,
    licensed_users::integer as licensed_users,
    case when suppressed then null else active_users end::integer as active_users,
    case when suppressed or licensed_users = 0 then null else active_users / licensed_users end as active_rate,
    suppressed
from (
    select long.*, dimension <> 'tenant' and licensed_users < params.min_size as suppressed
    from long, params
)
