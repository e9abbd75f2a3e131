-- Per report date: concealed names, report users, licensed users, whether group views work and why not.
select as_of, concealed, report_users, licensed_users, group_views_available, reason
from mart_data_status
order by as_of desc
