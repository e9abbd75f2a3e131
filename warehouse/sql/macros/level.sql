-- The level of a weekly active rate (the headline, warehouse/levels.py): cold < cool_from <= cool < warm_from
-- <= warm < target_rate <= hot, so 'hot' always means at or above the target. NULL for no rate.
create or replace macro adoption_level(rate) as case
    when rate is null then null
    when rate >= (select target_rate from _model_params) then 'hot'
    when rate >= (select warm_from from _model_params) then 'warm'
    when rate >= (select cool_from from _model_params) then 'cool'
    else 'cold' end;
create or replace macro level_rank(level) as case level when 'cold' then 0 when 'cool' then 1 when 'warm' then 2
    when 'hot' then 3 end;
