-- Reallocation candidates, admin-only (docs/licences.md): who should get a reclaimed licence. Enabled member accounts
-- without a Copilot licence in the directory now, who are heavy Microsoft 365 users (active on at least [licences]
-- heavy_active_days of the 28 days to the latest Microsoft 365 apps report, using at least heavy_apps of its six
-- apps in that report's period) in a department where Copilot has caught on (weekly active rate of the latest
-- complete week at least min_group_rate), ranked: most active days first, then most apps, then the department's
-- rate. Active days come from the daily reports' last-activity dates: with fewer than 28 report dates collected in
-- the window, the days needed shrink in proportion (16 of 28 is 8 of 14), and before 7 report dates nobody is listed
-- (days_observed says how many there are). Microsoft's own "suggested candidates" (the top quarter of unlicensed users by app use) are
-- unranked and blind to adoption. Empty when [privacy] licence_views = false or the reports conceal names.
-- The latest report date as a constant first, so the scan of the report's view skips all other dates (a subquery
-- would not: at 20k users x 60 days the view over every date took 6 s).
set variable realloc_m365_as_of = (select max(_report_refresh_date) from raw_m365_app_user_detail);
-- materialized: table
with p as (
    select heavy_active_days, heavy_apps, min_group_rate, licence_views from _licence_params
),
m365 as materialized (
    -- the report dates of the 28 days to the latest one (the view is read once)
    select * from stg_m365_app_user_detail
    where as_of > getvariable('realloc_m365_as_of') - 28 and as_of <= getvariable('realloc_m365_as_of')
),
report as (
    select max(as_of) as as_of, count(distinct as_of) as days_observed from m365
),
active_days as (
    select m.upn_key, count(distinct m.last_activity_date) as active_days_28,
           max(m.last_activity_date) as last_activity_date
    from m365 m
    cross join report r
    where m.last_activity_date > r.as_of - 28 and m.last_activity_date <= r.as_of
    group by m.upn_key
),
apps as (
    select upn_key, word::integer + excel::integer + powerpoint::integer + outlook::integer + onenote::integer
                    + teams::integer as apps_used
    from m365
    where as_of = (select as_of from report)
),
rates as (
    select group_id as department, weekly_active_rate
    from mart_adoption_weekly
    where dimension = 'department' and app = 'any'
      and week_start = (select max(week_start) from mart_adoption_weekly where complete_week)
),
unlicensed as (
    select g.id, g.upn_key, g.user_principal_name, g.display_name, g.department, g.job_function, g.manager_team
    from int_user_groups g
    join stg_user_versions v on v.id = g.id and v.valid_from = g.valid_from
    where g.valid_to = 'infinity'::timestamptz and not g.is_licensed
      and coalesce(v.account_enabled, true) and coalesce(v.user_type, 'Member') = 'Member'
),
candidates as (
    select u.*, d.active_days_28, a.apps_used, d.last_activity_date, r.weekly_active_rate as department_active_rate
    from unlicensed u
    cross join p
    cross join report rp
    join active_days d using (upn_key)
    join apps a using (upn_key)
    join rates r on r.department = u.department
    where p.licence_views and rp.days_observed >= 7
      and d.active_days_28 >= ceil(p.heavy_active_days * least(rp.days_observed, 28) / 28.0)
      and a.apps_used >= p.heavy_apps and r.weekly_active_rate >= p.min_group_rate
)
select
    row_number() over (order by c.active_days_28 desc, c.apps_used desc, c.department_active_rate desc,
                       c.upn_key)::integer as rank,
    (select as_of from report) as as_of, (select days_observed from report)::integer as days_observed,
    c.user_principal_name, c.display_name, c.department, c.job_function,
    c.manager_team as manager_id, coalesce(ml.label, c.manager_team) as manager_team,
    c.active_days_28::integer as active_days_28, c.apps_used::integer as apps_used, c.last_activity_date,
    c.department_active_rate
from candidates c
left join int_manager_labels ml on ml.manager_id = c.manager_team
order by rank
