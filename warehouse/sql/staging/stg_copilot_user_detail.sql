-- Copilot user detail, typed: one row per report refresh date (as_of) and user, from copilot_user_snapshots,
-- which each landing derives from the raw report rows (warehouse/snapshots.py, sql/snapshots/: the latest load
-- of a date wins as a whole, Graph wins over an admin-center export, the periods become one row).
-- Only report dates in the transform's scope (macros/scope.sql): all of them outside an incremental transform.
-- materialized: view
select * from copilot_user_snapshots where in_as_of_scope(as_of)
