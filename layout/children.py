"""A command reissue runs (EPUBCheck's Java) -> a long-lived child to talk to, which cannot outlive reissue.

A child left running when reissue is killed (SIGKILL cannot be caught, so no clean-up of ours runs)
would go on using a core and memory with nobody to read its result. On Linux the kernel ends it for
us: the child asks, before it runs the command, to get SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``), a request that survives ``exec``. The kernel ties it to the thread that
started the child, so a thread of its own starts each child and then waits for it to end. Elsewhere the
child is only bounded by the time limits of its user.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import IO

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def start(command: list[str], *, stderr: IO[bytes]) -> subprocess.Popen[bytes]:
    """``command`` running with pipes to its stdin and stdout, its stderr to ``stderr``; killed when reissue
    dies. It is started from a thread that then waits for it, so that the kernel's tie to the starting thread
    lasts as long as the child, whichever thread of reissue asked for it (and whether that thread ends)."""
    started: list[subprocess.Popen[bytes] | OSError] = []
    ready = threading.Event()

    def start_and_wait() -> None:
        try:
            child = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, preexec_fn=_die_with_parent()
            )
        except OSError as error:
            started.append(error)
            ready.set()
            return
        started.append(child)
        ready.set()
        child.wait()

    threading.Thread(target=start_and_wait, name=f"child {command[0]}", daemon=True).start()
    ready.wait()
    if isinstance(started[0], OSError):
        raise started[0]
    return started[0]


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
