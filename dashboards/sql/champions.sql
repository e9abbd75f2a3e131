-- Champions and their groups (who may see which group's detail).
select dimension, group_name, champion_name, lower(champion_email) as champion_email, manager_email
from champions
order by dimension, group_name
