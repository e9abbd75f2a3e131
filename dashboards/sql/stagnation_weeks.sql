-- The weeks the stagnation rule was evaluated for, newest first.
select distinct week_start from mart_stagnation order by week_start desc
