-- People who used agents, per imported report date and group, licensed and unlicensed, from the admin center's
-- Agent usage export (user details table; no Graph API, docs/imports.md). Users are joined to Entra by user name
-- as the directory stood when the file was imported; a group's size is all its Entra users. Groups smaller than
-- [model] min_group_size are suppressed; users not in Entra (or concealed names) count at the tenant level only.
-- materialized: table
with params as (
    select (select min_group_size from _model_params) as min_size
),
snapshots as (
    select as_of, max(loaded_at) as loaded_at from stg_import_agent_users group by as_of
),
directory as (
    select s.as_of, g.upn_key, g.is_licensed, g.department, g.job_function, g.manager_team
    from snapshots s
    join int_user_groups g on g.valid_from <= s.loaded_at and s.loaded_at < g.valid_to
),
population as (
    select as_of, g.dimension, g.group_name, count(*) as people
    from (select *, unnest(group_dims(department, job_function, manager_team)) as g from directory)
    group by all
),
agent as (
    select a.*, d.upn_key is null as not_in_entra, coalesce(d.is_licensed, false) as licensed,
           case when d.upn_key is null then [{'dimension': 'tenant', 'group_name': 'Tenant'}]
                else group_dims(d.department, d.job_function, d.manager_team) end as groups
    from stg_import_agent_users a
    left join directory d on d.as_of = a.as_of and d.upn_key = a.upn_key
),
counts as (
    select as_of, g.dimension, g.group_name,
           count(*) as agent_users,
           count(*) filter (where licensed) as licensed_agent_users,
           count(*) filter (where not licensed and not not_in_entra) as unlicensed_agent_users,
           count(*) filter (where last_activity_date > as_of - 7) as active_users_7d,
           sum(agent_responses) as agent_responses,
           count(*) filter (where not_in_entra) as not_in_entra
    from (select *, unnest(groups) as g from agent)
    group by all
),
joined as (
    select c.*, p.people, c.dimension <> 'tenant' and coalesce(p.people, 0) < params.min_size as suppressed
    from counts c
    cross join params
    left join population p using (as_of, dimension, group_name)
)
select
    as_of, dimension, group_name as group_id, coalesce(ml.label, group_name) as group_name,
    people::integer as people,
    case when suppressed then null else agent_users end::integer as agent_users,
    case when suppressed then null else licensed_agent_users end::integer as licensed_agent_users,
    case when suppressed then null else unlicensed_agent_users end::integer as unlicensed_agent_users,
    case when suppressed then null else active_users_7d end::integer as active_users_7d,
    case when suppressed then null else agent_responses end::bigint as agent_responses,
    case when dimension = 'tenant' then not_in_entra end::integer as not_in_entra,
    suppressed
from joined
left join int_manager_labels ml on dimension = 'manager' and ml.manager_id = group_name
