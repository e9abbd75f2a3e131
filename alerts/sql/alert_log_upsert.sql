-- Record one delivery attempt; a repeated attempt counts up and a success is never un-sent by the row.
insert into alert_log (week_start, recipient, kind, status, transport, attempts, groups, subject, message_id, error,
                       first_attempt_at, last_attempt_at, sent_at)
values ($week, $recipient, $kind, $status, $transport, 1, $groups, $subject, $message_id, $error,
        $now, $now, case when $status = 'sent' then $now end)
on conflict (week_start, recipient, kind) do update set
    status = excluded.status,
    transport = excluded.transport,
    attempts = alert_log.attempts + 1,
    groups = excluded.groups,
    subject = excluded.subject,
    message_id = excluded.message_id,
    error = excluded.error,
    last_attempt_at = excluded.last_attempt_at,
    sent_at = coalesce(excluded.sent_at, alert_log.sent_at)
