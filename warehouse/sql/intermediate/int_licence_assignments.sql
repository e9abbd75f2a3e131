-- One row per person holding a Copilot licence with a known assignment date (licensed_since: the Copilot plan's
-- assignedDateTime, or the first collection that saw the licence), in the groups of their latest licensed
-- snapshot: the first Copilot use on or after the assignment, and for each window after it whether the window
-- is observed and whether they used Copilot in it.
-- A window is observed when it ends inside the collected period: the first snapshot's last-activity date
-- covers everything before it (a use between the assignment and the first snapshot shows as that date), and
-- daily snapshots everything after. So activation within N days is known for licences assigned up to N days
-- before collection began; the exact days to first use only for licences assigned after it.
-- materialized: table
with bounds as (
    select min(as_of) as observed_from, max(as_of) as observed_to from int_copilot_snapshots where not concealed
),
latest as (
    -- each person's latest licensed snapshot (an aggregate per person: streams, where a window would sort all)
    select upn_key, l.department, l.job_function, l.manager_team, l.assigned_on, l.licensed_since_source
    from (
        select upn_key, arg_max({'department': department, 'job_function': job_function,
                                 'manager_team': manager_team, 'assigned_on': licensed_since,
                                 'licensed_since_source': licensed_since_source}, as_of) as l
        from int_user_snapshot
        where licensed_since is not null
        group by upn_key
    )
),
uses as (
    select l.upn_key,
           min(a.activity_date) as first_use,
           bool_or(a.activity_date > l.assigned_on + 2 and a.activity_date <= l.assigned_on + 30) as active_30,
           bool_or(a.activity_date > l.assigned_on + 32 and a.activity_date <= l.assigned_on + 60) as active_60,
           bool_or(a.activity_date > l.assigned_on + 62 and a.activity_date <= l.assigned_on + 90) as active_90
    from latest l
    join int_activity_days a on a.upn_key = l.upn_key and a.app = 'any' and a.activity_date >= l.assigned_on
    group by l.upn_key
)
select
    l.*,
    date_trunc('month', l.assigned_on)::date as cohort_month,
    u.first_use,
    case when l.assigned_on >= b.observed_from then u.first_use - l.assigned_on end as days_to_first_use,
    -- measured_Nd: the days up to N after the assignment are observed (both windows below end there)
    l.assigned_on + 14 between b.observed_from and b.observed_to as measured_14d,
    l.assigned_on + 30 between b.observed_from and b.observed_to as measured_30d,
    l.assigned_on + 60 between b.observed_from and b.observed_to as measured_60d,
    l.assigned_on + 90 between b.observed_from and b.observed_to as measured_90d,
    -- activation: any use within N days of the assignment
    coalesce(u.first_use <= l.assigned_on + 14, false) as activated_14d,
    coalesce(u.first_use <= l.assigned_on + 30, false) as activated_30d,
    -- retention: any use in the 28 days ending 30 / 60 / 90 days after the assignment
    coalesce(u.active_30, false) as active_at_30d,
    coalesce(u.active_60, false) as active_at_60d,
    coalesce(u.active_90, false) as active_at_90d
from latest l
cross join bounds b
left join uses u using (upn_key)
