"""Privacy commands ([privacy], docs/privacy.md): `privacy status`, `privacy purge` and `privacy pseudonym`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from warehouse.config import load_config

from ..output import console, print_transform
from .errors import clean_errors
from .options import config_option


@click.group()
def privacy() -> None:
    """What per-user data the warehouse keeps, since when, and under which identities."""


@privacy.command()
@config_option
@clean_errors
def status(config_path: str) -> None:
    """Show the [privacy] settings, whether the warehouse is pseudonymised, and since when per-user rows are kept."""
    from warehouse import db, retention

    cfg = load_config(config_path)
    p = cfg.privacy
    console.print(escape(f"[privacy] retention_days = {p.retention_days or '0 (keep everything)'}, pseudonymise = "
                  f"{str(p.pseudonymise).lower()}, resolve_names = {str(p.resolve_names).lower()}, licence_views = "
                  f"{str(p.licence_views).lower()}"))
    if not (cfg.warehouse.path.startswith("md:") or Path(cfg.warehouse.path).is_file()):
        console.print("no warehouse yet")
        return
    with db.reading(cfg.warehouse) as con:
        pseudo = con.execute("select timezone('UTC', since) from _privacy").fetchall() \
            if db.has_table(con, "_privacy") else []
        names = con.execute("select count(*) from privacy_identities").fetchone()[0] \
            if db.has_table(con, "privacy_identities") else 0
        kept = retention.kept_since(con)
    console.print(f"identities: pseudonymised since {pseudo[0][0]:%Y-%m-%d %H:%M} UTC; {names:,} name(s) in the "
                  "admin-only privacy_identities" if pseudo else "identities: in clear (user principal names)")
    if kept["purged_before"]:
        console.print(f"per-user rows kept from report date {kept['per_user_from']} (deleted before "
                      f"{kept['purged_before']}, retention {kept['retention_days']} days, last applied "
                      f"{kept['applied_at']:%Y-%m-%d %H:%M} UTC); aggregates from {kept['aggregates_from']}")
    else:
        console.print(f"per-user rows: all kept (from report date {kept['per_user_from'] or '–'})")


@privacy.command()
@config_option
@clean_errors
def purge(config_path: str) -> None:
    """Apply [privacy] retention_days now: transform (so the aggregates are built), then delete the per-user
    rows older than the cut-off, as every transform does."""
    from ..jobs import transform_job_or_busy

    cfg = load_config(config_path)
    if not cfg.privacy.retention_days:
        raise click.ClickException("[privacy] retention_days is 0 (keep everything): nothing to purge")
    result = transform_job_or_busy(cfg)
    print_transform(result)
    if result.transform and not result.transform.purged and not result.exit_code:
        console.print(f"retention: no per-user row is older than {cfg.privacy.retention_days} days before the "
                      "latest report date")
    sys.exit(result.exit_code)


@privacy.command()
@config_option
@click.argument("names", nargs=-1, required=True)
@clean_errors
def pseudonym(config_path: str, names: tuple[str, ...]) -> None:
    """Print the pseudonym of each user principal name (e.g. to name a manager team in the champions CSV of a
    pseudonymised warehouse); the key is checked against the warehouse's first."""
    from warehouse import db, pseudonyms

    cfg = load_config(config_path)
    p = pseudonyms.for_config(cfg.privacy)
    if p is None:
        raise click.ClickException("[privacy] pseudonymise is false: identities are kept in clear")
    if cfg.warehouse.path.startswith("md:") or Path(cfg.warehouse.path).is_file():
        with db.reading(cfg.warehouse) as con:
            pseudonyms.check_key(con, p)
    for name in names:
        console.print(f"{escape(name)}\t{p.upn(name)}")
