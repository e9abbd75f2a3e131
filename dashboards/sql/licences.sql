-- Purchased / assigned Copilot units and licensed users active, inactive or never active, per report date.
select as_of, purchased_units, assigned_units, licensed_users, active_7d, active_28d, inactive_28d, never_used
from mart_licences
order by as_of
