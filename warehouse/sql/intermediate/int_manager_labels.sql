-- One row per manager team key: the manager's Entra object id, and the team's label "Display Name (upn)" from
-- the manager's latest version (the UPN makes it unique among current users). Every per-user object and
-- the marts' groups carry the id (int_user_groups.manager_team), so a renamed manager (a new displayName or
-- userPrincipalName in users/delta) changes this table only: the marts join it for their group_name (the label;
-- any other group's name is its key) and an incremental transform rewrites it in the rows it keeps
-- (warehouse/labels.py) instead of rebuilding their history. Without a display name (a pseudonymised warehouse keeps
-- none, docs/privacy.md) the label is the UPN alone (there: the manager's pseudonym).
-- materialized: table
select id as manager_id,
       coalesce(display_name || ' (' || user_principal_name || ')', user_principal_name) as label,
       upn_key
from stg_user_versions
where user_principal_name is not null
  and id in (select manager_id from stg_user_versions where manager_id is not null)
qualify row_number() over (partition by id order by valid_from desc) = 1
