-- Reclaim candidates (admin-only page): every row of mart_licence_candidates, disabled accounts first.
select as_of, tier, user_principal_name, display_name, department, job_function, manager_team, licensed_since,
       licensed_since_source, days_licensed, last_activity_date, days_inactive, active_days, account_enabled, idle,
       copilot_skus, monthly_price, currency
from mart_licence_candidates
order by case tier when 'disabled' then 0 when 'never_used' then 1 when 'lapsed' then 2 else 3 end,
         days_inactive desc, user_principal_name
