-- Reallocation candidates (admin-only page), best first.
select rank, as_of, days_observed, user_principal_name, display_name, department, job_function, manager_team, active_days_28,
       apps_used, last_activity_date, department_active_rate
from mart_reallocation_candidates
order by rank
