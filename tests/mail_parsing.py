"""Reading rendered alert mails in tests: the headline a mail shows for a group, and its dashboard links.

The lead's end-to-end test can assert that the dashboard shows the same number as the mail:

    assert headline_in_mail(text, "Marketing") == levels.percent(mart_rate)
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

URL = re.compile(r"https?://[^\s\"'<>]+")


DIMENSION_LABEL = {"department": "department", "job_function": "job function", "manager": "manager team"}


def headline_in_mail(text: str, group: str, dimension: str | None = None) -> str:
    """The weekly active rate (e.g. `39 %`, or `n/a`) the plain-text mail shows for `group` (of `dimension`:
    department, job_function or manager; needed when a name is in two dimensions, like `Unassigned`).

    Every group of a mail (top-level `* name (dimension): weekly active rate 39 %`, or nested under its department
    `- name (manager team): weekly active rate 37 %`) is on one line that starts with its name.
    """
    dim = re.escape(DIMENSION_LABEL.get(dimension, dimension)) if dimension else "[^()]*"
    pattern = re.compile(rf"^\s*[*-] {re.escape(group)} \({dim}\): weekly active rate (\d+ %|n/a)", re.MULTILINE)
    found = pattern.findall(text)
    if not found:
        raise LookupError(f"no headline for group {group!r} in the mail")
    if len(set(found)) > 1:
        raise AssertionError(f"group {group!r} has different headlines in one mail: {found}")
    return found[0]


def links(text: str) -> list[str]:
    """Every http(s) URL of a plain-text body, in order."""
    return URL.findall(text)


def group_link_params(url: str) -> tuple[str, dict[str, list[str]]]:
    """(path, query parameters) of a dashboard link, decoded."""
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query, keep_blank_values=True)
