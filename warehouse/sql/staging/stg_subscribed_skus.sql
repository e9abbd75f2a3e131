-- SKUs of the latest load; a SKU is a Copilot SKU when it carries the M365_COPILOT_APPS or the Graph-grounded
-- chat service plan (no hard-coded SKU list: bundles such as Copilot for Sales carry the same plans; the plans'
-- ids are the contract's copilot_service_plan enumeration, warehouse/contract.toml).
-- materialized: view
with latest as (
    select * from raw_subscribed_skus
    where _loaded_at = (select max(_loaded_at) from raw_subscribed_skus)
)
select
    sku_id,
    sku_part_number,
    consumed_units,
    prepaid_enabled,
    list_intersect(service_plan_ids, (select copilot_service_plans from _model_params)) as copilot_plans,
    len(list_intersect(service_plan_ids, (select copilot_service_plans from _model_params))) > 0 as is_copilot
from latest
union all
-- until subscribedSkus has been read (permission missing), fall back to the one documented Copilot SKU
select '639dec6b-bb19-468b-871c-c5c441c4b0cb', 'Microsoft_365_Copilot', null, null,
       (select copilot_service_plans from _model_params), true
where not exists (select 1 from raw_subscribed_skus)
