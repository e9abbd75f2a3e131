-- Copilot Chat users without a Copilot licence, per imported report date and group: the admin center's Copilot
-- Chat report is the only source (Graph's reports list licensed users only; docs/imports.md). Each user is
-- joined to Entra by user name as the directory stood when the file was imported; the group's size is its Entra
-- users without a Copilot licence. Groups smaller than [model] min_group_size are suppressed; users not found in
-- Entra (or concealed names) and users who hold a licence by now count only at the tenant level.
-- materialized: table
with params as (
    select (select min_group_size from _model_params) as min_size
),
snapshots as (
    select as_of, max(loaded_at) as loaded_at from stg_import_copilot_chat group by as_of
),
directory as (
    select s.as_of, g.upn_key, g.is_licensed, g.department, g.job_function, g.manager_team
    from snapshots s
    join int_user_groups g on g.valid_from <= s.loaded_at and s.loaded_at < g.valid_to
),
population as (
    select as_of, g.dimension, g.group_name, count(*) as unlicensed_users
    from (select *, unnest(group_dims(department, job_function, manager_team)) as g from directory where not is_licensed)
    group by all
),
chat as (
    select c.as_of, c.last_activity_date, d.upn_key is null as not_in_entra, coalesce(d.is_licensed, false) as licensed,
           case when d.upn_key is null or d.is_licensed then [{'dimension': 'tenant', 'group_name': 'Tenant'}]
                else group_dims(d.department, d.job_function, d.manager_team) end as groups
    from stg_import_copilot_chat c
    left join directory d on d.as_of = c.as_of and d.upn_key = c.upn_key
),
counts as (
    select as_of, g.dimension, g.group_name,
           count(*) filter (where not licensed) as chat_users,
           count(*) filter (where not licensed and last_activity_date > as_of - 7) as active_users_7d,
           count(*) filter (where not licensed and last_activity_date > as_of - 28) as active_users_28d,
           count(*) filter (where not_in_entra) as not_in_entra,
           count(*) filter (where licensed) as licensed_in_export
    from (select *, unnest(groups) as g from chat)
    group by all
),
joined as (
    select c.*, p.unlicensed_users,
           c.dimension <> 'tenant' and coalesce(p.unlicensed_users, 0) < params.min_size as suppressed
    from counts c
    cross join params
    left join population p using (as_of, dimension, group_name)
)
select
    as_of, dimension, group_name as group_id, coalesce(ml.label, group_name) as group_name,
    unlicensed_users::integer as unlicensed_users,
    case when suppressed then null else chat_users end::integer as chat_users,
    case when suppressed then null else active_users_7d end::integer as active_users_7d,
    case when suppressed then null else active_users_28d end::integer as active_users_28d,
    case when suppressed or not unlicensed_users > 0 then null else active_users_28d / unlicensed_users end
        as active_rate_28d,
    case when dimension = 'tenant' then not_in_entra end::integer as not_in_entra,
    case when dimension = 'tenant' then licensed_in_export end::integer as licensed_in_export,
    suppressed
from joined
left join int_manager_labels ml on dimension = 'manager' and ml.manager_id = group_name
