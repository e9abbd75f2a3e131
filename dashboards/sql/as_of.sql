-- The newest report refresh date in the model, and the newest collection run (an import is not one).
select
    (select max(as_of) from mart_usage_by_group) as as_of,
    (select max(timezone('UTC', finished_at))::date from _runs where report not like 'import:%') as newest_run
