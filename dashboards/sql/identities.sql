-- Admin-only (docs/privacy.md): the names behind pseudonyms, from the identity table of a pseudonymised warehouse
-- (privacy_identities, written when the directory lands). The one query that turns pseudonyms into names; only the
-- admin licence page runs it (dashboards/people.py).
select pseudonym, user_principal_name, display_name
from privacy_identities
where pseudonym in (select unnest($pseudonyms::varchar[]))
