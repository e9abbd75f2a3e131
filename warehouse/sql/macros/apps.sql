-- The apps only the v2 Copilot user-detail report has (docs/apps.md): a report date or week without v2 loads
-- has no rows for them, rather than rows saying nobody used them. warehouse/apps.py lists the same apps.
create or replace macro v2_app(app) as app in ('copilot_chat_web', 'm365_copilot_app', 'edge', 'agents');
