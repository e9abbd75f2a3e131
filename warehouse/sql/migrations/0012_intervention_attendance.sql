-- Attendance of an intervention's sessions, kept only as counts: per session and group, how many attendees of the
-- attendance file belong to the group (their groups at import). No UPN is stored; readers show a count below
-- [model] min_group_size as "fewer than N" (docs/interventions.md#attendance). Re-importing a session replaces it.
create table if not exists intervention_attendance (
    intervention_id integer not null,
    session varchar not null,
    dimension varchar not null,          -- tenant | department | job_function | manager
    group_id varchar not null,
    group_name varchar not null,
    attendees integer not null,
    imported_at timestamptz not null,
    primary key (intervention_id, session, dimension, group_id)
);

-- Follow-up actions logged before interventions existed become interventions of kind champion_action for the
-- follow-up's group, linked to the follow-up and the action (new actions do so when they are logged).
insert into interventions (kind, title, notes, start_date, source, source_ref, natural_key, followup_id,
                           followup_action_id, created_by, created_at)
select 'champion_action', 'Follow-up action: ' || replace(a.kind, '_', ' '), a.note, a.action_date, 'followup',
       'followup #' || a.followup_id, 'followup_action:' || a.id, a.followup_id, a.id, a.author, a.created_at
from followup_actions a
join followups f on f.id = a.followup_id
where f.group_id is not null
  and not exists (select 1 from interventions i where i.followup_action_id = a.id);

insert into intervention_groups (intervention_id, dimension, group_id, group_name)
select i.id, f.dimension, f.group_id, f.group_name
from interventions i
join followups f on f.id = i.followup_id
where i.source = 'followup'
  and not exists (select 1 from intervention_groups g where g.intervention_id = i.id);
