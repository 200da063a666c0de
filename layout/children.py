"""A command reissue runs (EPUBCheck's Java) -> its exit status and output, in a child that cannot outlive reissue.

A child left running when reissue is killed (SIGKILL cannot be caught, so no clean-up of ours runs)
would go on using a core and memory with nobody to read its result. On Linux the kernel ends it for
us: the child asks, before it runs the command, to get SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``), a request that survives ``exec``. The kernel ties it to the thread that
started the child, which here waits for the child to end. Elsewhere the child is only bounded by its
time limit.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def run(command: list[str], *, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """``command`` with its output captured; killed when reissue dies or after ``timeout`` seconds
    (then ``subprocess.TimeoutExpired``)."""
    return subprocess.run(command, capture_output=True, check=False, timeout=timeout, preexec_fn=_die_with_parent())


def _die_with_parent() -> Callable[[], None] | None:
    """What the child runs between fork and exec: ask for SIGKILL when this process dies."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).prctl  # looked up before the fork
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the request took effect: nobody is left to ask for us
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec
