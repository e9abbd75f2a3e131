-- Which properties a users/delta item carried (its JSON keys), so a property absent from an item is carried
-- forward as unchanged while an explicit null clears it; and the user's assignedPlans (licence assignment
-- times). Rows landed before this migration get both from the object they kept in _raw.
alter table raw_users add column if not exists _props varchar[];
alter table raw_users add column if not exists assigned_plans json;
update raw_users set _props = json_keys(_raw), assigned_plans = _raw -> '$.assignedPlans' where _props is null;
-- The $select a delta link was started with: Graph tracks only the properties selected in the initial request,
-- so when the collector selects more (assignedPlans) the next run starts a full sync instead of the old link.
alter table _delta_links add column if not exists user_select varchar;
