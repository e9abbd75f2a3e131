-- Licence activation of every group of one dimension (the tenant row included): used Copilot within 14 / 30
-- days of the licence assignment, median days to first use; suppressed groups carry no numbers.
select dimension, group_name, licensed_users, first_seen_dates, suppressed, measured_14d, activation_14d_rate,
       measured_30d, activation_30d_rate, first_use_users, median_days_to_first_use
from mart_licence_activation
where dimension = $dimension or dimension = 'tenant'
order by dimension = 'tenant' desc, licensed_users desc, group_name
