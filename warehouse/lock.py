"""The single-writer lock: at most one process collects into or transforms the warehouse at a time.

DuckDB itself refuses a second read-write connection, but a collection fetches for minutes before it opens
one, so two collectors (two schedulers, or a manual `run` during a scheduled one) could otherwise interleave
their loads. The lock is an OS file lock beside the warehouse (released by the kernel if the holder dies,
even on SIGKILL); a small `.owner` file says who holds it, for the error message.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout


class WriterBusy(Exception):
    """Another process held the writer lock for longer than we were willing to wait."""


def lock_path(warehouse: str) -> Path:
    """Where the lock of a warehouse lives: beside a local file, else in the temp folder (md:, :memory:)."""
    if warehouse.startswith("md:") or warehouse == ":memory:" or "://" in warehouse:
        digest = hashlib.sha1(warehouse.encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"copilot-usage-{digest}.lock"
    p = Path(warehouse)
    return p.with_name(p.name + ".lock")


def _owner(path: Path) -> str:
    try:
        o = json.loads(path.with_suffix(".owner").read_text())
        return f" (held by {o['job']}, PID {o['pid']} on {o['host']}, since {o['since']})"
    except (OSError, ValueError, KeyError):
        return ""


@contextmanager
def writer_lock(warehouse: str, *, wait_seconds: float, job: str) -> Iterator[None]:
    """Hold the warehouse's writer lock for the block; wait up to `wait_seconds`, then raise WriterBusy."""
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), is_singleton=False)
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise WriterBusy(f"another copilot-usage job is writing {warehouse}{_owner(path)}; waited "
                         f"{wait_seconds:.0f} s ([warehouse] lock_timeout_seconds). Try again when it has "
                         "finished; nothing was changed.") from None
    try:
        owner = {"job": job, "pid": os.getpid(), "host": socket.gethostname(),
                 "since": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}
        path.with_suffix(".owner").write_text(json.dumps(owner))
        yield
    finally:
        path.with_suffix(".owner").unlink(missing_ok=True)
        lock.release()


def intent_path(warehouse: str) -> Path:
    """The write-intent lock: held by a writer while it waits for DuckDB's file lock."""
    return lock_path(warehouse).with_suffix(".intent")


@contextmanager
def write_intent(warehouse: str, *, wait_seconds: float) -> Iterator[None]:
    """Announce that a writer wants the DuckDB file, so readers stop opening it until the writer is in.

    DuckDB gives a read-write connection only when no reader holds the file; readers that open short
    connections back to back (several dashboard processes) could otherwise starve the collector forever.
    """
    path = intent_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), is_singleton=False, thread_local=False)
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise WriterBusy(f"another writer has been waiting for {warehouse} for {wait_seconds:.0f} s") from None
    try:
        yield
    finally:
        lock.release()


def writer_waiting(warehouse: str) -> bool:
    """True while a writer waits for (or is about to take) the DuckDB file: readers should not open it now."""
    path = intent_path(warehouse)
    if not path.exists():
        return False
    lock = FileLock(str(path), is_singleton=False, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    except OSError:  # a reader without write access to the folder cannot probe; it just reads
        return False
    lock.release()
    return False
