-- Concealed names per collection run.
-- materialized: view
select _run_id as run_id, _loaded_at as loaded_at, display_concealed_names as concealed
from raw_report_settings
