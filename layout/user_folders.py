"""The user's own folders for what reissue keeps between commands: nothing in, a folder out, or None.

``runtime_folder()`` holds the lasting EPUBCheck JVM's socket (whoever reaches it has EPUBCheck read files
as the user); ``cache_folder()`` the figures read from font files (whoever could write them would set the
widths a layout is planned with). Each is given only when it is the user's and nobody else may enter it;
otherwise it is None, and what it would hold is not kept.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def runtime_folder() -> Path | None:
    """``$XDG_RUNTIME_DIR/reissue``, or ``reissue-UID`` in the temporary folder."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return _private(Path(runtime, "reissue") if runtime else Path(tempfile.gettempdir(), f"reissue-{os.getuid()}"))


def cache_folder() -> Path | None:
    """``$XDG_CACHE_HOME/reissue``, or ``~/.cache/reissue`` (the XDG base directories' rule)."""
    cache = os.environ.get("XDG_CACHE_HOME", "")
    parent = Path(cache) if os.path.isabs(cache) else Path.home() / ".cache"
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    return _private(parent / "reissue")


def _private(folder: Path) -> Path | None:
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        held = folder.lstat()
    except OSError:
        return None
    private = stat.S_ISDIR(held.st_mode) and held.st_uid == os.getuid() and not held.st_mode & 0o077
    return folder if private else None
