-- Champions and follow-ups: a row without a group_id (saved before a model existed, or before migration 0008)
-- takes it from its group_name, for a manager team by the team's current label or the manager's UPN; then every
-- manager row takes its team's current label, so readers show it and join the marts by either column.
update champions set group_id = group_name where group_id is null and dimension <> 'manager';
update champions c set group_id = l.manager_id
from int_manager_labels l
where c.group_id is null and c.dimension = 'manager'
  and (c.group_name = l.label or lower(trim(c.group_name)) = l.upn_key)
  and not exists (select 1 from champions o where o.dimension = 'manager' and o.group_id = l.manager_id);
update champions set group_id = group_name  -- the team without a manager: its key is its label
where group_id is null and dimension = 'manager'
  and group_name = (select unassigned_label from _model_params);
update champions c set group_name = l.label
from int_manager_labels l
where c.dimension = 'manager' and c.group_id = l.manager_id and c.group_name <> l.label;
update followups set group_id = group_name where group_id is null and dimension <> 'manager';
update followups f set group_id = l.manager_id
from int_manager_labels l
where f.group_id is null and f.dimension = 'manager' and f.group_name = l.label;
update followups set group_id = group_name
where group_id is null and dimension = 'manager'
  and group_name = (select unassigned_label from _model_params);
update followups f set group_name = l.label
from int_manager_labels l
where f.dimension = 'manager' and f.group_id = l.manager_id and f.group_name <> l.label;
