-- The earliest snapshot whose users' groups or licences changed since the last transform (int_user_groups
-- rebuilt and compared with the previous one, _prev_user_groups). A new delta load only closes the previous
-- version of a user (valid_to moves from infinity to the new load), which touches the snapshots after it; a
-- relabelled version (a manager's new display name, a job-function label, an override) touches its whole span.
with old as (
    select x.id, x.valid_from, v.valid_to, hash(x) as h
    from (select * exclude (valid_to) from _prev_user_groups) x
    join _prev_user_groups v using (id, valid_from)
),
new as (
    select x.id, x.valid_from, v.valid_to, hash(x) as h
    from (select * exclude (valid_to) from int_user_groups) x
    join int_user_groups v using (id, valid_from)
),
spans as (
    select coalesce(o.valid_from, n.valid_from) as span_from,
           greatest(coalesce(o.valid_to, '-infinity'::timestamptz), coalesce(n.valid_to, '-infinity'::timestamptz))
               as span_to
    from old o
    full join new n using (id, valid_from)
    where o.h is distinct from n.h
    union all
    select least(o.valid_to, n.valid_to), greatest(o.valid_to, n.valid_to)
    from old o
    join new n using (id, valid_from)
    where o.h = n.h and o.valid_to <> n.valid_to
)
select min(s.as_of)
from int_copilot_snapshots s
join spans on s.loaded_at >= spans.span_from and s.loaded_at < spans.span_to
