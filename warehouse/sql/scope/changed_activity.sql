-- The earliest activity date among the calendar rows first reported in the scope (before the rebuild: the
-- rows it may drop; after: the rows it added back or new). Weeks whose 28-day window holds such a date change.
-- Only a user who was in an earlier snapshot can change an earlier week: a renamed user's new UPN (listed with
-- last-activity dates from weeks before) or a new user's first dates change none (their weeks are rebuilt anyway).
select min(a.activity_date)
from int_activity_days a
where a.first_as_of >= getvariable('from_as_of')
  and a.upn_key in (
      select g.upn_key from int_user_groups g
      where g.valid_from <= (select max(loaded_at) from int_copilot_snapshots where as_of < getvariable('from_as_of')))
