-- The alert sent log: one row per week, recipient and kind (champion | fallback | digest). A row is `sent`
-- only after the transport accepted the message; `failed` rows are retried by the next run.
create table if not exists alert_log (
    week_start date not null,
    recipient varchar not null,          -- lower-cased address
    kind varchar not null,               -- champion | fallback | digest
    status varchar not null,             -- sent | failed
    transport varchar not null,          -- smtp | graph | outbox
    attempts integer not null,
    groups varchar[],                    -- "dimension/group" of the groups in the message
    subject varchar,
    message_id varchar,
    error varchar,
    first_attempt_at timestamptz not null,
    last_attempt_at timestamptz not null,
    sent_at timestamptz,
    primary key (week_start, recipient, kind)
);

-- One follow-up item per flag episode of a group (consecutive flagged weeks), worked by its champion.
create sequence if not exists followup_id_seq start 1;
create table if not exists followups (
    id integer primary key default nextval('followup_id_seq'),
    dimension varchar not null,
    group_name varchar not null,
    episode_start date not null,         -- first flagged week of the episode
    last_flagged_week date not null,
    status varchar not null,             -- open | acknowledged | in_progress | snoozed | resolved
    owner varchar,
    snooze_until date,
    opened_reason varchar,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (dimension, group_name, episode_start)
);

-- Everything that happened to a follow-up: status and owner changes, notes (an audit trail).
create sequence if not exists followup_event_id_seq start 1;
create table if not exists followup_events (
    id integer primary key default nextval('followup_event_id_seq'),
    followup_id integer not null,
    event_at timestamptz not null,
    author varchar,
    kind varchar not null,               -- opened | status | owner | note | snooze_ended | action
    old_value varchar,
    new_value varchar,
    note varchar
);

-- Interventions taken for a follow-up; the first one splits the before/after comparison.
create sequence if not exists followup_action_id_seq start 1;
create table if not exists followup_actions (
    id integer primary key default nextval('followup_action_id_seq'),
    followup_id integer not null,
    kind varchar not null,               -- training | office_hours | prompt_pack | other
    action_date date not null,
    note varchar,
    author varchar,
    created_at timestamptz not null
);
