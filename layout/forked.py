"""A function and its arguments -> its result (or its exception), the call made in a forked child.

A batch worker renders each issue's PDF this way (``layout.archive.work``). The laid-out document is
hundreds of thousands of Python objects in reference cycles, which the worker's garbage collector would
trace one by one to free: 0.5-0.8 s of CPU on the NDNP issue, a tenth of its whole build. In a child
they end with it, all at once, and the worker's heap never grows to hold them. The child starts with all
the worker has loaded (WeasyPrint's fonts, the styles, the typesetter's tables) and changes none of it.

Fork only where no other thread may hold a lock the call needs (a lock held at the fork stays held in
the child): a local pool's worker, whose other threads only wait, not a Dask worker, whose threads run
other tasks.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable
from typing import Any


class ChildEnded(RuntimeError):
    """The child ended without a result: killed (by the kernel when memory ran out), or crashed."""


def call_forked(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` made in a forked child: its result returned, or its exception raised here.
    Both travel pickled; an exception that does not pickle is raised as a RuntimeError naming it."""
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reader)
        _answer(writer, function, args)  # never returns
    os.close(writer)
    try:
        with open(reader, "rb") as pipe:
            answer = pipe.read()
    except BaseException:  # interrupted: the child is not left behind
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        raise
    _, status = os.waitpid(child, 0)
    if not answer:
        raise ChildEnded(f"the forked {function.__name__} ended without a result ({_ending(status)})")
    returned, value = pickle.loads(answer)  # noqa: S301 - written by this process's own child
    if not returned:
        raise value
    return value


def _answer(writer: int, function: Callable[..., Any], args: tuple) -> None:
    """In the child: make the call, write what came of it, and end without running the parent's exit
    handlers (they are the parent's: its JVM, its temporary folders)."""
    try:
        try:
            answer = pickle.dumps((True, function(*args)), pickle.HIGHEST_PROTOCOL)
        except BaseException as error:  # the parent's to handle, as if it had made the call
            try:
                answer = pickle.dumps((False, error), pickle.HIGHEST_PROTOCOL)
            except Exception:
                answer = pickle.dumps((False, RuntimeError(f"{type(error).__name__}: {error}")))
        with open(writer, "wb") as pipe:
            pipe.write(answer)
    finally:
        os._exit(0)


def _ending(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
