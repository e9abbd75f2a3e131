-- The four ways every mart groups users: one struct per dimension, to unnest into one row each. group_name is
-- the group's key: a manager team's is the manager's Entra id (int_user_groups.manager_team), so a rename
-- changes no row of the model; each mart's final projection names it group_id and gives group_name the
-- label (joined from int_manager_labels).
create or replace macro group_dims(department, job_function, manager_team) as [
    {'dimension': 'tenant', 'group_name': 'Tenant'},
    {'dimension': 'department', 'group_name': department},
    {'dimension': 'job_function', 'group_name': job_function},
    {'dimension': 'manager', 'group_name': manager_team}
];
-- The same four dimensions when a mart groups by GROUPING SETS ((), (department), (job_function), (manager_team))
-- instead of unnesting group_dims: the dimension of a result row from grouping(department, job_function,
-- manager_team) (a bit set per column left out of that row's set; GROUPING itself cannot sit in a macro).
create or replace macro grouped_dimension(grouping_id) as case grouping_id
    when 3 then 'department' when 5 then 'job_function' when 6 then 'manager' when 7 then 'tenant' end;
