-- Interventions: what the adoption programme did (a training, a campaign, office hours, a prompt pack, a
-- champion's action), when, and which groups it targeted (docs/interventions.md). Application data, written by
-- `copilot-usage interventions add|import`, the dashboard and follow-up actions; mart_intervention_effect
-- measures each targeted group's effect at the next transform.
create sequence if not exists intervention_id_seq start 1;
create table if not exists interventions (
    id integer primary key default nextval('intervention_id_seq'),
    kind varchar not null,               -- training | campaign | office_hours | prompt_pack | champion_action | other
    title varchar not null,
    notes varchar,
    start_date date not null,
    end_date date,                       -- NULL = one day (or open-ended)
    source varchar not null,             -- dashboard | cli | import | followup
    source_ref varchar,                  -- import: the file name; followup: 'followup #<id>'
    natural_key varchar not null unique, -- what makes a re-import or a repeated action change nothing
    followup_id integer,                 -- a follow-up's action: the follow-up
    followup_action_id integer unique,   -- and the action (followup_actions.id)
    created_by varchar,
    created_at timestamptz not null
);

-- The groups an intervention targeted: one row per (dimension, group). group_id is the group's key (a manager
-- team: the manager's Entra object id), group_name its label when recorded.
create table if not exists intervention_groups (
    intervention_id integer not null,
    dimension varchar not null,          -- department | job_function | manager
    group_id varchar not null,
    group_name varchar not null,
    source_line varchar,                 -- import: 'file.csv:<line>'
    primary key (intervention_id, dimension, group_id)
);

-- Imported intervention files: one row per file content (sha256), so re-importing a file changes nothing.
create table if not exists intervention_imports (
    sha256 varchar primary key,
    file_name varchar not null,
    lines integer not null,
    loaded integer not null,
    rejected integer not null,
    imported_by varchar,
    imported_at timestamptz not null
);
