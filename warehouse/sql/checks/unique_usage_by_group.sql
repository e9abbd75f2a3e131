-- One row per report date, window, group and app. Checked on the 'any' rows: every app's rows of a report date
-- and group are unpivoted from one wide row (mart_usage_by_group.sql), so a duplicated row, a chunk built twice
-- or a group split in two shows there too. The whole key (~40 M rows at 100k users x 180 days) took 24 s and
-- 3.9 GB of memory to group.
select as_of, window_days, dimension, group_id, app, count(*) as n
from mart_usage_by_group where in_as_of_scope(as_of) and app = 'any' group by all having count(*) > 1
