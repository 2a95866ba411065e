"""What every worker process this pipeline forks does first, whoever forks it."""

from __future__ import annotations

import os
import signal


def die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the process that started it dies (a killed
    run must not leave workers computing for minutes); elsewhere the pool's own
    clean-up applies."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def start_worker(parent: int) -> None:
    """Die with the parent, and leave Ctrl-C to the parent (it stops the workers)."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
