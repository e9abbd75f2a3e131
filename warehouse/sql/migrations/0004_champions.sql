-- Champions per group (maintained by `copilot-usage champions import`, see the alerts issue).
create table if not exists champions (
    dimension varchar not null,        -- department | job_function | manager
    group_name varchar not null,
    champion_name varchar not null,
    champion_email varchar not null,
    manager_email varchar,
    updated_at timestamptz not null,
    primary key (dimension, group_name)
);
