-- Attendance per intervention, session and group: counts only (no person is stored), and a count below
-- $min_size carries no number (shown as "fewer than N").
select intervention_id, session, dimension, group_name,
       case when attendees >= $min_size then attendees end as attendees
from intervention_attendance
where dimension <> 'tenant'
order by intervention_id, session, dimension, group_name
