create or replace macro parse_int(s) as try_cast(nullif(nullif(trim(s), ''), 'null') as bigint);
