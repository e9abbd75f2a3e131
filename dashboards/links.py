"""Links between pages, in the URL scheme the alert mails use too.

`my-groups?dimension=<dim>&group=<name>[&group=<name>…]&week=<YYYY-MM-DD, the week's Monday>` opens exactly those
groups for that week (a group's detail: status, headline, weekly series, reason, follow-up). Links are relative
("./my-groups?…"), so they work behind a reverse proxy with a path prefix as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import quote, urlencode

MY_GROUPS = "my-groups"
NEEDS_ATTENTION = "attention"  # the alert mails link here (alerts.build.attention_link)


def group_query(dimension: str, groups: Sequence[str], week: dt.date | None = None) -> str:
    """`dimension=…&group=…&week=…`, every value URL-encoded (names hold spaces, parentheses, @, &, …)."""
    params: list[tuple[str, str]] = [("dimension", dimension), *[("group", g) for g in groups]]
    if week is not None:
        params.append(("week", week.isoformat()))
    return urlencode(params, quote_via=quote)


def group_link(dimension: str, groups: Sequence[str], week: dt.date | None = None, base: str = ".") -> str:
    """The link to those groups' detail on My groups (`base` = the dashboard URL for absolute links)."""
    return f"{base.rstrip('/')}/{MY_GROUPS}?{group_query(dimension, groups, week)}"
