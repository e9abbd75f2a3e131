-- The v2-only apps (docs/apps.md) never have rows for a report date or week without v2 loads: a v1 tenant must
-- not look like a tenant where nobody used an agent.
select 'mart_usage_by_group' as mart, as_of::varchar as k, app from mart_usage_by_group
where in_as_of_scope(as_of) and v2_app(app)
  and as_of not in (select as_of from int_copilot_snapshots where v2_apps)
union all
select 'mart_adoption_weekly', week_start::varchar, app from mart_adoption_weekly
where in_week_scope(week_start) and v2_app(app)
  and week_start not in (select date_trunc('week', as_of)::date from int_copilot_snapshots where v2_apps)
union all
select 'mart_acceptance_heatmap', as_of::varchar, app from mart_acceptance_heatmap
where v2_app(app) and as_of not in (select as_of from int_copilot_snapshots where v2_apps)
