"""One run at a time per output folder: an OS lock on ``<out>/cache/run.lock``.

On POSIX the lock is ``flock`` on a file descriptor that is closed in every
forked child (``os.register_at_fork``), so a worker process never holds it: when
a run dies, however it dies, the lock goes with it even if a worker lingers. The
lock file holds the owner's process id while the run lasts and is emptied when
the run ends; a file still naming a process at the next run means that run was
killed, and the next run says it takes over. Elsewhere the lock is ``filelock``'s.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import RunLockedError

log = logging.getLogger(__name__)

LOCK_FILE = "cache/run.lock"

_HELD: set[int] = set()  # descriptors of the locks this process holds


def _close_in_child() -> None:
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)  # the child's copy only: the parent keeps its lock
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(fd: int) -> int | None:
    text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def _refused(out_dir: Path, owner: int | None) -> RunLockedError:
    where = out_dir.absolute()
    if owner is not None and not _alive(owner):
        return RunLockedError(
            f"The run that locked {where} (process {owner}) has ended, but a process it "
            "started still holds the lock",
            fix=f"stop that process (fuser -k {where / LOCK_FILE}) or wait for it to end")
    who = f" (process {owner})" if owner is not None else ""
    return RunLockedError(f"Another run{who} is writing to {where}",
                          fix="wait for it to finish, or pass a different --out folder")


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out_dir`` for the duration of a run."""
    path = Path(out_dir) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.name != "posix":
        with _filelock(path, Path(out_dir)):
            yield
        return
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        owner = _owner(fd)
        os.close(fd)
        raise _refused(Path(out_dir), owner) from None
    _HELD.add(fd)
    try:
        previous = _owner(fd)
        if previous is not None and previous != os.getpid():
            log.info("took over the lock of an earlier run (process %d) that was stopped "
                     "before it finished", previous)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        _HELD.discard(fd)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def _filelock(path: Path, out_dir: Path) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock = FileLock(path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise _refused(out_dir, None) from None
    try:
        yield
    finally:
        lock.release()
