"""The reads of a build -> the files of the issue's side it read (its source, its paper's settings, the
pages of a METS, its photos), for the batch runner: an issue is rebuilt when one of them changes, and a
cluster's workers are sent them.

Every read of such a file notes its path first (``note``), so a file the issue names but that is missing
is noted too: when it appears, the issue is rebuilt. ``recorded()`` collects the paths noted while it is
open, in this thread or task only (a context variable), so builds side by side keep their lists apart.
Styles, fonts and word lists are not noted: the engine's own files, which the runner fingerprints whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

_noted: ContextVar[set[Path] | None] = ContextVar("inputs_noted", default=None)


def note(path: Path) -> None:
    """``path`` is about to be read for the issue being built."""
    noted = _noted.get()
    if noted is not None:
        noted.add(Path(os.path.abspath(path)))


@contextmanager
def recorded() -> Iterator[set[Path]]:
    """The set of absolute paths noted while the block runs (it fills as they are read)."""
    noted: set[Path] = set()
    token = _noted.set(noted)
    try:
        yield noted
    finally:
        _noted.reset(token)
