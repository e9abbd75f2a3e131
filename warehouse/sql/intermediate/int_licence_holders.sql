-- One row per person who has held a Copilot licence, from their latest licensed directory version: name, whether
-- the account is enabled (accountEnabled), the Copilot SKUs they hold (subscribedSkus part numbers; a SKU whose
-- every Copilot plan is switched off for them does not count, as in int_user_groups) and what those cost a month
-- ([licences] prices by part number, default_price for a SKU not listed). For someone who still holds the licence
-- that version is their current one. Read by the licence marts (docs/licences.md).
-- materialized: table
with latest as (
    select g.id, g.upn_key, g.user_principal_name, g.display_name, g.valid_to, v.account_enabled, v.user_type,
           v.assigned_licenses
    from int_user_groups g
    join stg_user_versions v on v.id = g.id and v.valid_from = g.valid_from
    where g.is_licensed
    qualify row_number() over (partition by g.id order by g.valid_from desc) = 1
),
copilot_skus as (
    select sku_id, sku_part_number, copilot_plans from stg_subscribed_skus where is_copilot
),
held as (
    select l.id, s.sku_part_number,
           coalesce(p.monthly_price, (select default_price from _licence_params)) as monthly_price
    from (
        select id, unnest(from_json(assigned_licenses, '[{"skuId":"VARCHAR","disabledPlans":["VARCHAR"]}]')) as lc
        from latest
    ) l
    join copilot_skus s on s.sku_id = l.lc.skuId
    left join _licence_prices p on p.sku_part_number = s.sku_part_number
    where len(list_filter(s.copilot_plans,
                          lambda x: not list_contains(coalesce(l.lc.disabledPlans, []::varchar[]), x))) > 0
),
per_user as (
    select id, list(sku_part_number order by sku_part_number) as copilot_skus, sum(monthly_price) as monthly_price
    from held
    group by id
)
select
    l.id, l.upn_key, l.user_principal_name, l.display_name,
    l.valid_to = 'infinity'::timestamptz as current_version,
    coalesce(l.account_enabled, true) as account_enabled,
    l.user_type,
    coalesce(u.copilot_skus, []::varchar[]) as copilot_skus,
    coalesce(u.monthly_price, (select default_price from _licence_params)) as monthly_price
from latest l
left join per_user u using (id)
