-- Report dates are YYYY-MM-DD; admin-center exports can carry MM/DD/YYYY. Empty, "" and "null" are NULL.
create or replace macro parse_date(s) as
    coalesce(
        try_cast(nullif(nullif(trim(s), ''), 'null') as date),
        try_strptime(nullif(trim(s), ''), '%m/%d/%Y')::date
    );
