-- Entra users as delivered by /users/delta: the whole object in _raw, common fields extracted.
create table if not exists raw_users (
    _run_id varchar not null,
    _loaded_at timestamptz not null,
    _sync varchar not null,               -- full | delta
    id varchar not null,
    user_principal_name varchar,
    display_name varchar,
    department varchar,
    job_title varchar,
    office_location varchar,
    company_name varchar,
    account_enabled boolean,
    user_type varchar,
    assigned_licenses json,
    manager_id varchar,
    manager_in_payload boolean not null,  -- false: the delta row did not mention the manager
    removed_reason varchar,               -- @removed.reason: changed (soft delete) | deleted
    _raw json not null
);

create table if not exists raw_subscribed_skus (
    _run_id varchar not null,
    _loaded_at timestamptz not null,
    sku_id varchar not null,
    sku_part_number varchar,
    capability_status varchar,
    consumed_units integer,
    prepaid_enabled integer,
    service_plan_ids varchar[],
    _raw json not null
);

create table if not exists raw_report_settings (
    _run_id varchar not null,
    _loaded_at timestamptz not null,
    display_concealed_names boolean,
    _raw json not null
);
