-- Licences per report refresh date: purchased and assigned Copilot units (subscribedSkus, latest collection),
-- Copilot-licensed users in the directory, how many were active in the last 7 / 28 days and how many have no
-- Copilot activity date at all in the report (never used). Tenant level only: no group, nothing to suppress.
-- materialized: table
with skus as (
    select
        sum(prepaid_enabled) filter (where is_copilot) as purchased_units,
        sum(consumed_units) filter (where is_copilot) as assigned_units
    from stg_subscribed_skus
),
users as (
    select
        as_of,
        count(*) as licensed_users,
        count(*) filter (where any_date > as_of - 7) as active_7d,
        count(*) filter (where any_date > as_of - 28) as active_28d,
        count(*) filter (where any_date is null) as never_used
    from int_user_snapshot
    group by as_of
)
select
    u.as_of,
    skus.purchased_units::integer as purchased_units,
    skus.assigned_units::integer as assigned_units,
    u.licensed_users::integer as licensed_users,
    u.active_7d::integer as active_7d,
    u.active_28d::integer as active_28d,
    u.never_used::integer as never_used,
    (u.licensed_users - u.active_28d - u.never_used)::integer as inactive_28d
from users u
cross join skus
order by u.as_of
