-- Every user version with its Copilot licence state and its three groupings: department, job function
-- (job title normalised into a family, or an HR override) and manager team (its key: the manager's Entra id,
-- labelled in int_manager_labels). Missing values go to the one "Unassigned" group.
-- materialized: table
with params as (
    select (select unassigned_label from _model_params) as unassigned,
           (select coalesce(list(word), []::varchar[]) from _job_function_strip) as strip
),
versions as (
    select * from stg_user_versions where not is_removed
),
copilot_skus as (
    select sku_id, copilot_plans from stg_subscribed_skus where is_copilot
),
licences as (
    select id, valid_from,
           unnest(from_json(assigned_licenses, '[{"skuId":"VARCHAR","disabledPlans":["VARCHAR"]}]')) as l
    from versions
),
licensed as (
    -- a Copilot SKU counts unless every Copilot plan in it is switched off for the user (disabledPlans)
    select lc.id, lc.valid_from,
           bool_or(len(list_filter(s.copilot_plans,
                                   lambda p: not list_contains(coalesce(lc.l.disabledPlans, []::varchar[]), p))) > 0)
               as is_licensed
    from licences lc
    join copilot_skus s on s.sku_id = lc.l.skuId
    group by all
),
titles as (
    -- seniority words are dropped from the front ("Sr. Financial Analyst"), level numerals from the end
    -- ("Financial Analyst II"); both give "Financial Analyst"
    select job_title, case when len(rest) > 1 and lower(rest[-1]) in ('i', 'ii', 'iii', 'iv', 'v', '1', '2', '3')
                           then rest[:-2] else rest end as words
    from (
        select job_title, words[coalesce(list_position(list_transform(words,
                          lambda w: list_contains(params.strip, lower(w))), false), len(words) + 1):] as rest
        from (
            select job_title, list_filter(string_split_regex(trim(regexp_replace(job_title, '[.,;:()]', ' ', 'g')),
                                                             '\s+'), lambda w: w <> '') as words
            from (select distinct job_title from versions where job_title is not null)
        ), params
    )
),
title_family as (
    select t.job_title,
           lower(array_to_string(t.words, ' ')) as family_key,
           array_to_string(list_transform(t.words, lambda w: case when w = lower(w) then upper(w[1]) || w[2:] else w end),
                           ' ') as family_label,
           (select r.job_function from _job_function_rules r
            where regexp_matches(t.job_title, r.pattern, 'i') order by r.priority limit 1) as rule_function
    from titles t
),
family_display as (
    -- one label per family: the most common spelling among its titles
    select family_key, mode(family_label) as label
    from title_family join versions using (job_title)
    group by family_key
),
assigned as (
    -- the true licence date: the earliest current assignment of a Copilot service plan (assignedPlans[]:
    -- servicePlanId, capabilityStatus Enabled or Warning, assignedDateTime in UTC)
    select id, valid_from, min(try_cast(left(p.assignedDateTime, 10) as date)) as assigned_on
    from (
        select id, valid_from,
               unnest(from_json(assigned_plans, '[{"servicePlanId":"VARCHAR","capabilityStatus":"VARCHAR",'
                                                '"assignedDateTime":"VARCHAR"}]')) as p
        from versions
        where assigned_plans is not null
    )
    where list_contains((select copilot_service_plans from _model_params), p.servicePlanId)
      and p.capabilityStatus in ('Enabled', 'Warning')
    group by all
),
managers as (
    -- a manager team is keyed by the manager's Entra id, not by a name: a renamed manager changes no member's
    -- row, and its label lives in int_manager_labels (a manager never seen with a UPN is Unassigned, as before)
    select distinct id from stg_user_versions where user_principal_name is not null
),
joined as (
    select
        v.id, v.upn_key, v.user_principal_name, v.display_name, v.job_title, v.run_id, v.valid_from, v.valid_to,
        coalesce(l.is_licensed, false) as is_licensed,
        a.assigned_on,
        coalesce(v.department, params.unassigned) as department,
        coalesce(ou.job_function, ot.job_function, tf.rule_function, nullif(fd.label, ''), params.unassigned)
            as job_function,
        case when m.id is not null then v.manager_id else params.unassigned end as manager_team
    from versions v
    cross join params
    left join licensed l on l.id = v.id and l.valid_from = v.valid_from
    left join assigned a on a.id = v.id and a.valid_from = v.valid_from
    left join title_family tf on tf.job_title = v.job_title
    left join family_display fd on fd.family_key = tf.family_key
    left join _job_function_overrides ou on ou.key = v.upn_key
    left join _job_function_overrides ot on ot.key = lower(v.job_title)
    left join managers m on m.id = v.manager_id
),
first_load as (
    select min(valid_from) as first_at from stg_user_versions
),
run_dates as (
    select run_id, max(report_refresh_date) as as_of
    from _runs where report = 'copilot_usage_user_detail' and status in ('ok', 'warning')
    group by run_id
)
select
    j.* exclude (assigned_on),
    -- the Copilot plan's assignment date; without one (assignedPlans not collected or not readable) the report
    -- date the licence was first seen, NULL when it was already there at the first collection
    case when not j.is_licensed then null
         when j.assigned_on is not null then j.assigned_on
         when j.licensed_first_at is null or j.licensed_first_at = (select first_at from first_load) then null
         else rd.as_of end as licensed_since,
    case when not j.is_licensed then null
         when j.assigned_on is not null then 'assigned'
         when j.licensed_first_at is null or j.licensed_first_at = (select first_at from first_load)
             then 'before_first_collection'
         else 'first_seen' end as licensed_since_source
from (
    select *,
           min(case when is_licensed then valid_from end)
               over (partition by id order by valid_from rows between unbounded preceding and current row)
               as licensed_first_at,
           arg_min(case when is_licensed then run_id end, case when is_licensed then valid_from end)
               over (partition by id order by valid_from rows between unbounded preceding and current row)
               as licensed_first_run
    from joined
) j
left join run_dates rd on rd.run_id = j.licensed_first_run
