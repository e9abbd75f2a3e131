-- How much history the model holds: report dates (one mart_data_status row each) and ISO weeks collected (the
-- tenant's weekly rows: one per week), without scanning the per-group marts.
select
    (select min(as_of) from mart_data_status) as first_as_of,
    (select max(as_of) from mart_data_status) as last_as_of,
    (select count(*) from mart_data_status) as report_dates,
    (select count(*) from mart_adoption_weekly where dimension = 'tenant' and app = 'any') as weeks,
    (select count(*) from mart_adoption_weekly where dimension = 'tenant' and app = 'any' and complete_week)
        as complete_weeks
