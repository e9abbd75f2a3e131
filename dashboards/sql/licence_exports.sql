-- The recorded CSV downloads of the licence lists, newest first.
select exported_at, exported_by, list, rows, filters, as_of
from licence_exports
order by exported_at desc
limit 50
