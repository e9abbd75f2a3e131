"""A consistent copy of the warehouse file, taken under the writer lock so no collection is mid-write."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from . import db
from .lock import writer_lock


def backup(warehouse: str, dest: Path, *, wait_seconds: float = 60.0) -> Path:
    """Copy the DuckDB file to `dest` (a folder gets a timestamped name); return the file written."""
    src = Path(warehouse)
    if warehouse.startswith("md:") or "://" in warehouse or not src.is_file():
        raise ValueError(f"{warehouse} is not a local DuckDB file; back up remote databases with their own tools")
    if dest.is_dir() or str(dest).endswith(os.sep):
        dest = dest / f"{src.stem}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}{src.suffix}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(warehouse, wait_seconds=wait_seconds, job="backup"):
        with db.writing(warehouse, wait_seconds=wait_seconds) as con:  # fold any WAL left by a crash into the file
            con.execute("checkpoint")
        tmp = dest.with_name(dest.name + ".partial")
        shutil.copy2(src, tmp)
        os.replace(tmp, dest)
    return dest
