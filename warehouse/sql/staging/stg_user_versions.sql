-- Entra users as versions over collection loads: a version is valid from its load until the user's next
-- row or the next full sync (which lists everyone still present). Delta rows that do not mention the
-- manager keep the previous manager.
create or replace view stg_user_versions as
with source as (
    select * from raw_users
    qualify row_number() over (partition by id, _loaded_at order by manager_in_payload desc) = 1
),
loads as (
    select distinct _loaded_at from raw_users
),
next_full as (
    select l._loaded_at, min(f._loaded_at) as next_full_at
    from loads l
    left join (select distinct _loaded_at from raw_users where _sync = 'full') f on f._loaded_at > l._loaded_at
    group by l._loaded_at
),
carried as (
    select
        s.*,
        nullif(last_value(case when manager_in_payload then coalesce(manager_id, '') end ignore nulls)
               over (partition by id order by s._loaded_at rows between unbounded preceding and current row),
               '') as manager_id_carried,
        lead(s._loaded_at) over (partition by id order by s._loaded_at) as next_row_at,
        n.next_full_at
    from source s
    join next_full n using (_loaded_at)
)
select
    id,
    user_principal_name,
    lower(trim(user_principal_name)) as upn_key,
    display_name,
    nullif(trim(department), '') as department,
    nullif(trim(job_title), '') as job_title,
    account_enabled,
    user_type,
    assigned_licenses,
    manager_id_carried as manager_id,
    removed_reason is not null as is_removed,
    _run_id as run_id,
    _loaded_at as valid_from,
    least(coalesce(next_row_at, 'infinity'::timestamptz), coalesce(next_full_at, 'infinity'::timestamptz)) as valid_to
from carried
