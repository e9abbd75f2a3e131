-- Licensed and active users per report refresh date, window (7/28 days), group and app: history kept
-- for every as_of collected. Groups smaller than [model] min_group_size are suppressed. The v2-only apps
-- (docs/apps.md) have rows only for report dates collected as v2.
-- Built wide (one row per report date and group, a count per app and window), sorted there, then unpivoted
-- with the insertion order kept: the table is stored by as_of and dimension (what every reader filters on)
-- without sorting its ~40 M rows at 100k users x 180 days, which cost more than the rest of the build.
-- materialized: incremental
-- increment: as_of >= from_as_of
with params as (
    select (select min_group_size from _model_params) as min_size
),
members as (
    select s.*, unnest(group_dims(s.department, s.job_function, s.manager_team)) as g
    from int_user_snapshot s
    where in_as_of_scope(s.as_of)
),
report_rows as (
    -- identified snapshots: one row per licensed user and group; concealed snapshots: only the tenant level
    -- is possible, straight from the report rows (their licensed count comes from Entra, below)
    select as_of, g.dimension as dimension, g.group_name as group_name, any_date, teams_date, word_date,
           excel_date, powerpoint_date, outlook_date, onenote_date, loop_date, copilot_chat_date,
           copilot_chat_web_date, m365_copilot_app_date, edge_date, agents_date
    from members
    union all
    select as_of, 'tenant', 'Tenant', any_date, teams_date, word_date, excel_date, powerpoint_date, outlook_date,
           onenote_date, loop_date, copilot_chat_date, copilot_chat_web_date, m365_copilot_app_date, edge_date,
           agents_date
    from stg_copilot_user_detail
    where as_of in (select as_of from int_copilot_snapshots where concealed and in_as_of_scope(as_of))
),
concealed_licensed as (
    select s.as_of, count(distinct g.id) as licensed_users
    from int_copilot_snapshots s
    join int_user_groups g on g.is_licensed and g.valid_from <= s.loaded_at and s.loaded_at < g.valid_to
    where s.concealed and in_as_of_scope(s.as_of)
    group by s.as_of
),
counts as (
    select as_of, dimension, group_name, count(*) as licensed_users,
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
        count(*) filter (where copilot_chat_date > as_of - 28) as copilot_chat__28,
        count(*) filter (where copilot_chat_web_date > as_of - 7) as copilot_chat_web__7,
        count(*) filter (where copilot_chat_web_date > as_of - 28) as copilot_chat_web__28,
        count(*) filter (where m365_copilot_app_date > as_of - 7) as m365_copilot_app__7,
        count(*) filter (where m365_copilot_app_date > as_of - 28) as m365_copilot_app__28,
        count(*) filter (where edge_date > as_of - 7) as edge__7,
        count(*) filter (where edge_date > as_of - 28) as edge__28,
        count(*) filter (where agents_date > as_of - 7) as agents__7,
        count(*) filter (where agents_date > as_of - 28) as agents__28
    from report_rows
    group by all
),
v2_dates as (
    select distinct as_of from int_copilot_snapshots where v2_apps and in_as_of_scope(as_of)
),
wide as (
    -- the v2-only apps (docs/apps.md) are NULL on report dates collected as v1: UNPIVOT leaves those rows out
    select c.* replace (
               coalesce(cl.licensed_users, c.licensed_users) as licensed_users,
               case when v.as_of is not null then copilot_chat_web__7 end as copilot_chat_web__7,
               case when v.as_of is not null then copilot_chat_web__28 end as copilot_chat_web__28,
               case when v.as_of is not null then m365_copilot_app__7 end as m365_copilot_app__7,
               case when v.as_of is not null then m365_copilot_app__28 end as m365_copilot_app__28,
               case when v.as_of is not null then edge__7 end as edge__7,
               case when v.as_of is not null then edge__28 end as edge__28,
               case when v.as_of is not null then agents__7 end as agents__7,
               case when v.as_of is not null then agents__28 end as agents__28),
           coalesce(ml.label, c.group_name) as label,
           c.dimension <> 'tenant' and coalesce(cl.licensed_users, c.licensed_users) < params.min_size as suppressed
    from counts c
    cross join params
    left join concealed_licensed cl using (as_of)
    left join v2_dates v using (as_of)
    left join int_manager_labels ml on c.dimension = 'manager' and ml.manager_id = c.group_name
    order by c.as_of, c.dimension, c.group_name
),
long as (
    unpivot wide
    on columns(* exclude (as_of, dimension, group_name, label, licensed_users, suppressed))
    into name key value active_users
)
select
    as_of,
    split_part(key, '__', 2)::integer as window_days,
    dimension,
    group_name as group_id,
    label as group_name,
    split_part(key, '__', 1) as app,
    licensed_users::integer as licensed_users,
    case when suppressed then null else active_users end::integer as active_users,
    case when suppressed or licensed_users = 0 then null else active_users / licensed_users end as active_rate,
    suppressed
from long
