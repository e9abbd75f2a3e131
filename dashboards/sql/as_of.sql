-- The newest report refresh date in the model, and the newest collection run.
select
    (select max(as_of) from mart_usage_by_group) as as_of,
    (select max(timezone('UTC', finished_at))::date from _runs) as newest_run
