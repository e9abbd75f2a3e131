-- What an incremental transform rebuilds: report dates (as_of) from `from_as_of` on and ISO weeks from
-- `from_week` on. warehouse/scope.py sets both variables; unset (a full rebuild, or a query outside the
-- transform) means everything. Constant-folded, so scans of date-ordered tables skip older row groups.
create or replace macro in_as_of_scope(d) as d >= coalesce(getvariable('from_as_of'), '-infinity'::date);
create or replace macro in_week_scope(d) as d >= coalesce(getvariable('from_week'), '-infinity'::date);
