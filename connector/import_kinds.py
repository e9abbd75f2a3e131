"""The Microsoft 365 admin-center CSV exports `copilot-usage import` knows, declared once (docs/imports.md).

Graph has no API for the Agent usage report or the Copilot Chat report (unlicensed Chat usage), and an export
can fill days the collector did not see, so these files are imported. Each kind lists its columns: the name it
lands under in its raw table and the header spellings that mean it (matched case-, space- and
punctuation-insensitively, as `load.normalise` does). A file is of the kind whose required columns it has and
whose columns explain most of its header; adding a dialect is one more alias here.

Header sources (docs/imports.md has the full list):
- Copilot usage: MicrosoftDocs/microsoft-365-docs `microsoft-365/admin/activity-reports/microsoft-365-copilot-usage.md`
  (ms.date 2026-04-03), "User last activity table"; drift seen in third-party parsers of real exports
  (`Last activity date of Microsoft 365 Copilot (app) (UTC)`, `… of Edge (UTC)`, `… of Copilot Agent (UTC)`);
  the Graph v1.0/v2 CSV names (graph-api.md §1.5.1) are accepted too.
- Copilot Chat: `microsoft-copilot-usage.md` (ms.date 2025-01-14), "User last activity table".
- Agents: `microsoft-365-copilot-agents-new.md` (ms.date 2025-08-26), "User details table" and "Agent details table".
No verbatim exported header row is published for any of them: the table item names are the documented ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


def normalise(name: str) -> str:
    """Header → key: case-, whitespace- and punctuation-insensitive snake_case (same as load.normalise)."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lstrip("\ufeff").casefold()).strip("_")


@dataclass(frozen=True)
class Column:
    """One column of a kind: its raw-table name, the header spellings that mean it, and its type."""

    name: str
    headers: tuple[str, ...]
    type: str = "text"  # text | date | int

    @property
    def keys(self) -> set[str]:
        """The normalised header spellings."""
        return {normalise(h) for h in self.headers}


@dataclass(frozen=True)
class Kind:
    """One export: where it lands, its columns, which of them a file must have."""

    name: str
    title: str
    raw_table: str
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    any_of: tuple[str, ...] = ()  # at least one of these must be present too
    key: tuple[str, ...] = ("user_principal_name",)  # must not be empty on any row
    where: str = ""  # where in the admin center
    lookup: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for c in self.columns:
            for k in c.keys:
                self.lookup[k] = c

    def column(self, header: str) -> Column | None:
        """The column a header means, or None."""
        return self.lookup.get(normalise(header))

    def expected(self) -> str:
        """The required headers, as a reader would type them (for the refusal message)."""
        first = {c.name: c.headers[0] for c in self.columns}
        text = ", ".join(f"'{first[n]}'" for n in self.required)
        if self.any_of:
            text += " and at least one of " + ", ".join(f"'{first[n]}'" for n in self.any_of)
        return f"{self.title}: {text}"


USER = Column("user_principal_name", ("User name", "Username", "User Principal Name"))
DISPLAY = Column("display_name", ("Display name",))
LAST = Column("last_activity_date", ("Last activity date (UTC)", "Last activity date (UTC (Universal Time Code))",
                                     "Last Activity Date"), "date")


def _app(name: str, *headers: str) -> Column:
    return Column(name, headers, "date")


COPILOT_APPS = (
    _app("microsoft_teams_copilot_last_activity_date", "Last activity date of Teams Copilot (UTC)",
         "Microsoft Teams Copilot Last Activity Date"),
    _app("word_copilot_last_activity_date", "Last activity date of Word Copilot (UTC)",
         "Word Copilot Last Activity Date"),
    _app("excel_copilot_last_activity_date", "Last activity date of Excel Copilot (UTC)",
         "Excel Copilot Last Activity Date"),
    _app("powerpoint_copilot_last_activity_date", "Last activity date of PowerPoint Copilot (UTC)",
         "PowerPoint Copilot Last Activity Date"),
    _app("outlook_copilot_last_activity_date", "Last activity date of Outlook Copilot (UTC)",
         "Outlook Copilot Last Activity Date"),
    _app("onenote_copilot_last_activity_date", "Last activity date of OneNote Copilot (UTC)",
         "OneNote Copilot Last Activity Date"),
    _app("loop_copilot_last_activity_date", "Last activity date of Loop Copilot (UTC)",
         "Loop Copilot Last Activity Date"),
    _app("copilot_chat_last_activity_date", "Copilot Chat Last Activity Date"),
    _app("copilot_chat_work_last_activity_date", "Last activity date of Copilot Chat (work) (UTC)",
         "Copilot Chat (work) Last Activity Date"),
    _app("copilot_chat_web_last_activity_date", "Last activity date of Copilot Chat (web) (UTC)",
         "Copilot Chat (web) Last Activity Date"),
    _app("microsoft_365_copilot_last_activity_date", "Last activity date of Microsoft 365 App (UTC)",
         "Last activity date of Microsoft 365 Copilot (app) (UTC)", "Microsoft 365 Copilot Last Activity Date"),
    _app("edge_last_activity_date", "Last activity date of Microsoft Edge (UTC)", "Last activity date of Edge (UTC)",
         "Edge Last Activity Date"),
    _app("copilot_agent_last_activity_date", "Last activity date of any agent (UTC)",
         "Last activity date of Copilot Agent (UTC)", "Copilot Agent Last Activity Date"),
)

KINDS: tuple[Kind, ...] = (
    Kind("copilot_usage", "Microsoft 365 Copilot usage export (user last activity table)", "raw_import_copilot_usage",
         (USER, DISPLAY, LAST, *COPILOT_APPS,
          Column("prompts_submitted_for_all_apps", ("Prompts submitted (any app)", "Prompts submitted for all apps"),
                 "int"),
          Column("prompts_submitted_for_copilot_chat_work", ("Copilot Chat (work) prompts submitted",
                                                             "Prompts submitted for Copilot Chat (work)"), "int"),
          Column("prompts_submitted_for_copilot_chat_web", ("Copilot Chat (web) prompts submitted",
                                                            "Prompts submitted for Copilot Chat (web)"), "int"),
          Column("active_usage_days_for_all_apps", ("Active Days", "Active Usage Days for all apps"), "int"),
          Column("report_refresh_date", ("Report Refresh Date",), "date"),
          Column("report_period", ("Report Period",), "int")),
         required=("user_principal_name", "last_activity_date"), any_of=tuple(c.name for c in COPILOT_APPS),
         where="Reports > Usage > Microsoft 365 Copilot > Copilot, Usage tab: Choose columns (all), then Export "
               "on the user table"),
    Kind("copilot_chat", "Microsoft 365 Copilot Chat usage export (unlicensed Chat users)", "raw_import_copilot_chat",
         (USER, DISPLAY, LAST), required=("user_principal_name", "last_activity_date"),
         where="Reports > Usage > Microsoft 365 Copilot Chat: Export on the user table"),
    Kind("agent_users", "Agent usage export, user details table", "raw_import_agent_users",
         (USER, DISPLAY, LAST, Column("agents_used", ("Number of agents used",), "int"),
          Column("agent_responses", ("Agent responses received",), "int")),
         required=("user_principal_name", "agents_used", "agent_responses"),
         where="Reports > Usage > Microsoft 365 Copilot > Agents: Export on the user details table"),
    Kind("agents", "Agent usage export, agent details table", "raw_import_agents",
         (Column("agent_id", ("Agent ID",)), Column("agent_name", ("Agent name",)),
          Column("creator_type", ("Creator type",)),
          Column("active_users_licensed", ("Active users (licensed)",), "int"),
          Column("active_users_unlicensed", ("Active users (unlicensed)",), "int"),
          Column("responses", ("Responses sent to users",), "int"), LAST),
         required=("agent_id", "agent_name", "creator_type", "active_users_licensed"), key=("agent_id",),
         where="Reports > Usage > Microsoft 365 Copilot > Agents: Export on the agent details table"),
)
BY_NAME = {k.name: k for k in KINDS}


class UnknownShape(Exception):
    """A header no kind explains; the message lists what each kind expects."""


def detect(header: list[str], file: str) -> Kind:
    """The kind of a file from its header row, or UnknownShape naming the columns each kind expects."""
    keys = {normalise(h) for h in header}
    best: list[tuple[int, Kind]] = []
    for kind in KINDS:
        names = {kind.lookup[k].name for k in keys if k in kind.lookup}
        if set(kind.required) <= names and (not kind.any_of or names & set(kind.any_of)):
            best.append((len(names), kind))
    best.sort(key=lambda x: -x[0])
    if best and (len(best) == 1 or best[0][0] > best[1][0]):
        return best[0][1]
    shown = ", ".join(f"'{h}'" for h in header[:10]) + (" …" if len(header) > 10 else "")
    if best:
        raise UnknownShape(f"{file}: the header fits {best[0][1].title} and {best[1][1].title} equally; "
                           f"got {shown}")
    raise UnknownShape(f"{file}: not an admin-center export this tool knows (nothing imported). Its header: {shown}. "
                       "Expected one of:\n  " + "\n  ".join(k.expected() for k in KINDS))
