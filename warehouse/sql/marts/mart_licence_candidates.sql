-- Reclaim candidates, admin-only (docs/licences.md): the people holding a Copilot licence on the latest report date
-- whose licence is idle or barely used, one row each, in tiers:
--   disabled    the account is disabled (accountEnabled false) but still holds the licence: remove it first
--               (listed whatever its age or use);
--   never_used  no Copilot use since the licence was assigned, assigned at least [licences] grace_days ago and
--               at least inactive_days without use;
--   lapsed      used Copilot after the assignment, but not in the last inactive_days;
--   low_use     active on fewer than low_use_days of the last inactive_days (and past the grace period).
-- The licence counts from the Copilot plan's assignedDateTime (licensed_since); a licence already there at the first
-- collection with no date in Entra counts from the first report date (a lower bound: such people become candidates
-- later, never too early). Accounts deleted in Entra are not listed: deleting a user frees their licences.
-- idle: past the grace period and inactive_days without use (the rule mart_idle_cost applies on every week).
-- Empty when [privacy] licence_views = false.
-- materialized: table
with p as (
    select grace_days, inactive_days, low_use_days, currency, licence_views from _licence_params
),
bounds as (
    select min(as_of) as observed_from, max(as_of) as as_of from int_user_snapshot
),
holders as (
    select s.as_of, s.id, s.upn_key, s.department, s.job_function, s.manager_team, s.licensed_since,
           s.licensed_since_source,
           coalesce(s.licensed_since, b.observed_from) as counted_from,
           -- the report's last activity, unless it comes from before this licence
           case when s.any_date >= coalesce(s.licensed_since, '-infinity'::date) then s.any_date end as last_use
    from int_user_snapshot s
    cross join bounds b
    where s.as_of = b.as_of
),
recent as (
    -- active days in the last inactive_days (the activity calendar: every day a daily collection saw)
    select h.upn_key, count(*) as active_days
    from holders h
    cross join p
    join int_activity_days a on a.upn_key = h.upn_key and a.app = 'any'
         and a.activity_date > h.as_of - p.inactive_days and a.activity_date <= h.as_of
         and a.activity_date >= h.counted_from
    group by h.upn_key
),
rows as (
    select h.*, coalesce(r.active_days, 0) as active_days, h.as_of - h.counted_from as days_licensed,
           h.as_of - coalesce(h.last_use, h.counted_from) as days_inactive,
           l.user_principal_name, l.display_name, l.account_enabled, l.copilot_skus, l.monthly_price
    from holders h
    left join recent r using (upn_key)
    left join int_licence_holders l on l.id = h.id
),
tiered as (
    select r.*,
           r.days_licensed >= p.grace_days and r.days_inactive >= p.inactive_days as idle,
           case when not coalesce(r.account_enabled, true) then 'disabled'
                when r.days_licensed < p.grace_days then null
                when r.days_inactive >= p.inactive_days and r.last_use is null then 'never_used'
                when r.days_inactive >= p.inactive_days then 'lapsed'
                when r.last_use is not null and r.active_days < p.low_use_days then 'low_use'
           end as tier,
           p.currency
    from rows r
    cross join p
    where p.licence_views
)
select
    t.as_of, t.tier, t.user_principal_name, t.display_name, t.department, t.job_function,
    t.manager_team as manager_id, coalesce(ml.label, t.manager_team) as manager_team,
    t.licensed_since, t.licensed_since_source, t.days_licensed::integer as days_licensed,
    t.last_use as last_activity_date, t.days_inactive::integer as days_inactive,
    t.active_days::integer as active_days, t.account_enabled, t.idle,
    array_to_string(t.copilot_skus, ', ') as copilot_skus, t.monthly_price, t.currency
from tiered t
left join int_manager_labels ml on ml.manager_id = t.manager_team
where t.tier is not null
order by case t.tier when 'disabled' then 0 when 'never_used' then 1 when 'lapsed' then 2 else 3 end,
         t.days_inactive desc, t.user_principal_name
