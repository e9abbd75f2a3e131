-- Every CSV download of the admin-only licence lists (reclaim and reallocation candidates): who, when, which
-- list, how many rows and with which filters (docs/licences.md). Written by the dashboard, never by the model.
create table if not exists licence_exports (
    exported_at timestamptz not null,
    exported_by varchar not null,          -- the signed-in admin's e-mail ("local demo" without sign-in)
    list varchar not null,                 -- reclaim | reallocation
    rows integer not null,
    filters varchar not null,              -- the filters as JSON, e.g. {"department": ["IT"], "tier": ["lapsed"]}
    as_of date                             -- the report date the list was built from
);
