"""The record of every CSV download of the admin-only licence lists (table `licence_exports`, migration 0015):
who downloaded which list, when, how many rows and with which filters (docs/licences.md).

A download is recorded when its button is clicked (the button's callback, before the file reaches the browser),
under the single-writer lock like every dashboard edit; when a collection holds the warehouse the callback raises
`workflow.Busy` and the page says so (the file is still served: Streamlit sends it with the click)."""

from __future__ import annotations

import datetime as dt
import json

from warehouse import db
from warehouse.config import Config
from warehouse.lock import WriterBusy, writer_lock

from . import workflow

LISTS = ("reclaim", "reallocation")


def record_export(cfg: Config, exported_by: str, list_name: str, rows: int, filters: dict[str, list[str]],
                  as_of: dt.date | None) -> None:
    """Append one download to `licence_exports`; `workflow.Busy` when the warehouse is being written."""
    if list_name not in LISTS:
        raise ValueError(f"unknown licence list {list_name!r} (one of {', '.join(LISTS)})")
    wait = cfg.dashboard.write_wait_seconds
    try:
        with writer_lock(cfg.warehouse.path, wait_seconds=wait, job="dashboard export"), \
                db.writing(cfg.warehouse.path, wait_seconds=wait) as con:
            con.execute("insert into licence_exports values (?, ?, ?, ?, ?, ?)",
                        [dt.datetime.now(dt.UTC), exported_by, list_name, rows,
                         json.dumps(filters, sort_keys=True), as_of])
    except (WriterBusy, *db.NOT_OPENED):
        raise workflow.Busy(workflow.BUSY) from None
    workflow.clear()
