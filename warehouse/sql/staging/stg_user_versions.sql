-- Entra users as versions over collection loads: a version is valid from its load until the user's next
-- row or the next full sync (which lists everyone still present).
-- A delta item carries "at least the updated properties" (only those with Prefer: return=minimal), so a
-- property absent from a delta item is unchanged and carried forward from the user's previous row; an explicit
-- null clears it (learn.microsoft.com/graph/delta-query-overview). The keys an item carried are in _props
-- (rows landed before it existed had them restored from _raw). An item of a full sync is the whole object:
-- what it does not carry is not set. The manager arrives as manager@delta (a reference annotated @removed
-- clears it) and counts as carried when the item had manager@delta or manager.
-- @removed reason 'changed' (soft-deleted, restorable) and 'deleted' (permanent) both end the user's presence;
-- a restored user's next item carries forward from the row before its removal.
-- materialized: view
with source as (
    -- has_x: the row sets property x (a removal row sets nothing, so a restored user carries from before it)
    select *,
           removed_reason is null and (_sync = 'full' or list_contains(_props, 'userPrincipalName')) as has_upn,
           removed_reason is null and (_sync = 'full' or list_contains(_props, 'displayName')) as has_display_name,
           removed_reason is null and (_sync = 'full' or list_contains(_props, 'department')) as has_department,
           removed_reason is null and (_sync = 'full' or list_contains(_props, 'jobTitle')) as has_job_title,
           removed_reason is null and (_sync = 'full' or list_contains(_props, 'accountEnabled'))
               as has_account_enabled,
           removed_reason is null and (_sync = 'full' or list_contains(_props, 'userType')) as has_user_type,
           removed_reason is null and (_sync = 'full' or list_contains(_props, 'assignedLicenses')) as has_licences,
           removed_reason is null and (_sync = 'full' or list_contains(_props, 'assignedPlans')) as has_plans,
           removed_reason is null and (_sync = 'full' or manager_in_payload) as has_manager
    from raw_users
    -- a user listed twice in one load (a page repeated after a retry): the fuller item wins
    qualify row_number() over (partition by id, _loaded_at order by len(_props) desc, manager_in_payload desc) = 1
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
    -- {'v': x} is never null, so ignore nulls skips only the rows that did not carry the property
    select
        s.id, s._run_id, s._loaded_at, s.removed_reason,
        last_value(case when has_upn then {'v': user_principal_name} end ignore nulls) over w as upn,
        last_value(case when has_display_name then {'v': display_name} end ignore nulls) over w as display,
        last_value(case when has_department then {'v': department} end ignore nulls) over w as dept,
        last_value(case when has_job_title then {'v': job_title} end ignore nulls) over w as title,
        last_value(case when has_account_enabled then {'v': account_enabled} end ignore nulls) over w as enabled,
        last_value(case when has_user_type then {'v': user_type} end ignore nulls) over w as utype,
        last_value(case when has_licences then {'v': assigned_licenses} end ignore nulls) over w as licences,
        last_value(case when has_plans then {'v': assigned_plans} end ignore nulls) over w as plans,
        last_value(case when has_manager then {'v': manager_id} end ignore nulls) over w as manager,
        lead(s._loaded_at) over (partition by s.id order by s._loaded_at) as next_row_at,
        n.next_full_at
    from source s
    join next_full n using (_loaded_at)
    window w as (partition by s.id order by s._loaded_at rows between unbounded preceding and current row)
)
select
    id,
    upn.v as user_principal_name,
    lower(trim(upn.v)) as upn_key,
    display.v as display_name,
    nullif(trim(dept.v), '') as department,
    nullif(trim(title.v), '') as job_title,
    enabled.v as account_enabled,
    utype.v as user_type,
    licences.v as assigned_licenses,
    plans.v as assigned_plans,
    manager.v as manager_id,
    removed_reason is not null as is_removed,
    removed_reason,
    _run_id as run_id,
    _loaded_at as valid_from,
    least(coalesce(next_row_at, 'infinity'::timestamptz), coalesce(next_full_at, 'infinity'::timestamptz)) as valid_to
from carried
