-- Which properties a users/delta item carried (its JSON keys), so a property absent from an item is carried
-- forward as unchanged while an explicit null clears it; and the user's assignedPlans (licence assignment
-- times). Rows landed before this migration get both from the object they kept in _raw.
alter table raw_users add column if not exists _props varchar[];
alter table raw_users add column if not exists assigned_plans json;
update raw_users set _props = json_keys(_raw), assigned_plans = _raw -> '$.assignedPlans' where _props is null;
