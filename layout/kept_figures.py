"""Figures read from a file, kept between commands: a file and the function that reads them in, the
figures out (what JSON holds: numbers, strings, lists, and dicts with strings for keys).

The typesetter reads each body face's advances, character map and substitutions with fontTools: 0.15 s of
CPU for a CJK face, and a cold ``reissue build`` of a Chinese issue reads two, a tenth of its CPU, for
figures that change only when the font file does. They are kept in the user's cache folder
(``user_folders.cache_folder``), a JSON file for each file read (0.01 s to load for a CJK face), under a key
of the file's path, size and modification time and the version of what read it; figures under any other
key are read afresh and kept over them. Where nothing can be kept, the figures are read each time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from layout.user_folders import cache_folder

Figures = TypeVar("Figures")


def kept(path: Path, part: int, version: str, read: Callable[[], Figures]) -> Figures:
    """``read()``'s figures of ``part`` of the file at ``path`` (a face's number in a collection), from the
    cache when they were kept under this ``version`` of ``read`` and the file has not changed since."""
    found = path.stat()
    key = [version, str(path.resolve()), part, found.st_size, found.st_mtime_ns]
    folder = cache_folder()
    name = hashlib.sha256(json.dumps(key[1:3]).encode()).hexdigest()[:32]
    kept_file = None if folder is None else folder / f"figures-{name}.json"
    if kept_file is not None:
        try:
            stored = json.loads(kept_file.read_bytes())
            if stored["key"] == key:
                return stored["figures"]
        except (OSError, ValueError, TypeError, KeyError):  # none kept yet, or not a file of ours
            pass
    stored_text = json.dumps({"key": key, "figures": read()})
    if kept_file is not None:
        _keep(kept_file, stored_text.encode())
    return json.loads(stored_text)["figures"]  # as JSON gives them back: the same, kept or not


def _keep(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a command reading it meanwhile finds the old file);
    a folder that cannot take it keeps nothing."""
    try:
        descriptor, written = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(written, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(written)
