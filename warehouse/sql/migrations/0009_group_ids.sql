-- Champions and follow-ups attach to a group by its key, group_id: a manager team's is the manager's Entra
-- object id (int_manager_labels), so a renamed manager keeps its champion and its follow-ups; for a department
-- or job function it is the name. group_name stays as the group's current label (each transform refreshes it).
-- A manager team's id is only known from the model: rows saved before it are resolved from their label (or a
-- UPN) by the next transform (sql/labels/attach.sql).
alter table champions add column if not exists group_id varchar;
alter table followups add column if not exists group_id varchar;
update champions set group_id = group_name where group_id is null and dimension <> 'manager';
update followups set group_id = group_name where group_id is null and dimension <> 'manager';
