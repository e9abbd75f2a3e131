-- The fingerprint of each model object the last transform built with (warehouse/fingerprints.py): a changed
-- object and what reads it are rebuilt whole, the rest incrementally. inputs: the hash of its SQL, the
-- parameters it reads and the fingerprints of the objects it reads (JSON), to say why it changed. built_at: when
-- the object was first built with this fingerprint. Empty until the first transform of a release that has it,
-- which rebuilds everything.
create table if not exists _transform_objects (
    object varchar primary key,
    layer varchar not null,
    fingerprint varchar not null,
    inputs varchar not null,
    built_at timestamptz not null
);
