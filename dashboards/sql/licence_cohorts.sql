-- Licence cohorts (month of assignment) of one group: share active 30 / 60 / 90 days after the assignment.
select dimension, group_name, cohort_month, licensed_users, suppressed, measured_30d, active_30d_rate,
       measured_60d, active_60d_rate, measured_90d, active_90d_rate
from mart_licence_cohorts
where dimension = $dimension and group_name = $group_name
order by cohort_month
