"""One run at a time per output folder: an OS file lock (``filelock``, on every OS)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.errors import RunLockedError

LOCK_FILE = "cache/run.lock"


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out_dir`` for the duration of a run.

    The lock is an OS lock on ``cache/run.lock``, released by the OS when the
    process ends however it ends; the empty file stays (deleting a lock file
    races with a run that is opening it) in the cache folder, out of the way.
    """
    path = out_dir / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise RunLockedError(
            f"Another run is writing to {out_dir.absolute()}",
            fix="wait for it to finish, or pass a different --out folder",
        ) from None
    try:
        yield
    finally:
        lock.release()
