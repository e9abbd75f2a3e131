"""The champion and follow-up workflow: champions per group (`champions`), the follow-up state machine
(`followups`), which follow-up a week's flag belongs to (`episodes`), the flagged groups of a week (`flagged`),
week arguments (`weeks`) and the alert sent log (`sent_log`). It reads marts and writes only its own tables
(champions, followups, followup_events, followup_actions, alert_log); the transform never reads them."""
