-- The earliest activity date among the calendar rows first reported in the scope (before the rebuild: the
-- rows it may drop; after: the rows it added back or new). Weeks whose 28-day window holds such a date change.
select min(activity_date) from int_activity_days where first_as_of >= getvariable('from_as_of')
