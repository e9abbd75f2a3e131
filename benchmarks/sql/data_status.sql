-- Data status banner: the latest report date and whether group views are available.
select as_of, concealed, report_users, licensed_users, group_views_available, reason
from mart_data_status
order by as_of desc
limit 1
