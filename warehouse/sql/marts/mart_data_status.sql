-- Per report refresh date: whether group views are possible, and why not when they are empty.
-- increment: as_of >= from_as_of
with directory as (
    select s.as_of, count(distinct g.id) filter (where g.is_licensed) as licensed_users
    from int_copilot_snapshots s
    left join int_user_groups g on g.valid_from <= s.loaded_at and s.loaded_at < g.valid_to
    where in_as_of_scope(s.as_of)
    group by s.as_of
)
select
    s.as_of,
    s.concealed,
    s.report_users,
    d.licensed_users,
    not s.concealed and coalesce(d.licensed_users, 0) > 0 as group_views_available,
    case
        when s.concealed then 'User names were concealed in the reports of ' || s.as_of::varchar
            || ': department, job-function and manager views need an admin to turn concealment off '
            || '(Microsoft 365 admin center > Settings > Org settings > Reports). Tenant totals are shown.'
        when coalesce(d.licensed_users, 0) = 0 then 'No Entra users with a Copilot licence were collected for '
            || s.as_of::varchar || ' (User.Read.All missing, or users collection turned off).'
    end as reason
from int_copilot_snapshots s
left join directory d using (as_of)
where in_as_of_scope(s.as_of)
