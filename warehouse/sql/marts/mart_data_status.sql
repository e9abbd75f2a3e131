-- Per report refresh date: whether group views are possible, and why not when they are empty.
-- materialized: incremental
-- increment: as_of >= from_as_of
with directory as (
    select s.as_of, count(distinct g.id) filter (where g.is_licensed) as licensed_users
    from int_copilot_snapshots s
    left join int_user_groups g on g.valid_from <= s.loaded_at and s.loaded_at < g.valid_to
    where in_as_of_scope(s.as_of)
    group by s.as_of
),
licence_dates as (
    -- licensed people whose licensed_since is not the Copilot plan's assignment date (assignedPlans missing)
    select as_of, count(*) filter (where licensed_since_source = 'first_seen') as first_seen,
           count(*) filter (where licensed_since_source = 'before_first_collection') as unknown
    from int_user_snapshot
    where in_as_of_scope(as_of)
    group by as_of
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
    end as reason,
    case when coalesce(l.first_seen, 0) + coalesce(l.unknown, 0) > 0 then
        (l.first_seen + l.unknown)::varchar || ' of ' || d.licensed_users::varchar
        || ' licensed people have no Copilot plan assignment date (assignedPlans): '
        || case when l.first_seen > 0 then l.first_seen::varchar
                || ' count as licensed from the first collection that saw the licence' else '' end
        || case when l.first_seen > 0 and l.unknown > 0 then ', ' else '' end
        || case when l.unknown > 0 then l.unknown::varchar
                || ' had it before the first collection and count as licensed long enough' else '' end
        || '. A full users sync (it follows an upgrade by itself) brings the dates.'
    end as licence_date_note
from int_copilot_snapshots s
left join directory d using (as_of)
left join licence_dates l using (as_of)
where in_as_of_scope(s.as_of)
