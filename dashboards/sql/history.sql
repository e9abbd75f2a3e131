-- How much history the model holds: report dates and ISO weeks collected.
select
    (select min(as_of) from mart_usage_by_group) as first_as_of,
    (select max(as_of) from mart_usage_by_group) as last_as_of,
    (select count(distinct as_of) from mart_usage_by_group) as report_dates,
    (select count(distinct week_start) from mart_adoption_weekly) as weeks,
    (select count(distinct week_start) from mart_adoption_weekly where complete_week) as complete_weeks
