-- [privacy] (docs/privacy.md). _privacy: one row once a warehouse is pseudonymised: since when, and a verifier of
-- the key (an HMAC of a fixed text, never the key), so a missing or changed key is refused before anything lands.
create table if not exists _privacy (
    pseudonymised boolean not null,
    key_verifier varchar,
    since timestamptz not null
);
-- _retention: one row once per-user rows were deleted: the report date they were kept from (rows of earlier dates
-- are gone; the marts keep theirs), the retention that decided it, and when.
create table if not exists _retention (
    purged_before date not null,
    retention_days integer not null,
    applied_at timestamptz not null
);
-- The admin-only identity table of a pseudonymised warehouse: the one place names are kept, written when the
-- directory lands (pseudonym -> the user's latest UPN and display name); read only by the admin licence view.
create table if not exists privacy_identities (
    pseudonym varchar primary key,
    object_pseudonym varchar,
    user_principal_name varchar,
    display_name varchar,
    last_seen_at timestamptz not null
);
