-- What a transform builds of the objects keyed by report date (as_of) or ISO week: an incremental transform
-- the report dates from `from_as_of` on and the weeks from `from_week` on; a full rebuild all of them, in chunks
-- of consecutive dates or weeks (`to_as_of` / `to_week`: the first date after the chunk) so that memory stays
-- bounded. warehouse/scope.py and warehouse/transform.py set the variables; unset (a full rebuild in one piece,
-- or a query outside the transform) means everything. Constant-folded, so scans of date-ordered tables skip the
-- row groups outside the scope.
create or replace macro in_as_of_scope(d) as
    d >= coalesce(getvariable('from_as_of'), '-infinity'::date) and d < coalesce(getvariable('to_as_of'), 'infinity'::date);
create or replace macro in_week_scope(d) as
    d >= coalesce(getvariable('from_week'), '-infinity'::date) and d < coalesce(getvariable('to_week'), 'infinity'::date);
