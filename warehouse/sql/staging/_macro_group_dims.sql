-- The four ways every mart groups users: one struct per dimension, to unnest into one row each.
create or replace macro group_dims(department, job_function, manager_team) as [
    {'dimension': 'tenant', 'group_name': 'Tenant'},
    {'dimension': 'department', 'group_name': department},
    {'dimension': 'job_function', 'group_name': job_function},
    {'dimension': 'manager', 'group_name': manager_team}
];
