-- How many of a list of UPNs ($upns, lower-cased) are in each group, by their current directory version
-- (int_user_groups, valid_to 'infinity'): one row per dimension and group with its label, and one tenant row (all
-- matched). Only counts leave this query; which person is in which group does not.
with matched as (
    select g.department, g.job_function, g.manager_team
    from int_user_groups g
    where g.valid_to = 'infinity'::timestamptz and g.upn_key in (select unnest($upns::varchar[]))
),
members as (
    select unnest(group_dims(department, job_function, manager_team)) as g from matched
)
select 'tenant' as dimension, 'Tenant' as group_id, 'Tenant' as group_name, count(*) as attendees from matched
union all
select m.g.dimension, m.g.group_name, coalesce(l.label, m.g.group_name), count(*)
from members m
left join int_manager_labels l on m.g.dimension = 'manager' and l.manager_id = m.g.group_name
where m.g.dimension <> 'tenant'
group by all
order by 1, 3
