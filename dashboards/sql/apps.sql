-- The apps of the latest report date (the app pickers' choices): a v1 tenant has no v2 apps (docs/apps.md).
select distinct app from mart_acceptance_heatmap where dimension = 'tenant'
