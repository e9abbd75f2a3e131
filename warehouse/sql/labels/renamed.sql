-- The manager teams whose label changed in this transform (int_manager_labels against the copy taken before
-- it was rebuilt, _prev_manager_labels): the rows an incremental transform keeps must take the new label.
create or replace temp table _renamed_managers as
select l.manager_id, l.label
from int_manager_labels l
join _prev_manager_labels p using (manager_id)
where p.label is distinct from l.label
