"""What a build of an issue depends on -> fingerprints, and whether the issue's last good build still stands.

A build is a function of its input files (``layout.inputs``: the source, its paper's settings, a METS's
pages, its photos), the command line's options, the style's files and the engine's own code. The catalogue
keeps each as a SHA-256; an issue is up to date when all four are unchanged and its outputs are where
they were written. Hashing every source of a 30,000-issue archive on each run would cost more than the
check is worth, so an input whose size and modification time (in ns) are those recorded is taken as
unchanged, as make and git do; one whose stat changed is hashed again, and a touched but unchanged
file does not rebuild its issue.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import layout

if TYPE_CHECKING:  # the check of a batch with nothing to build imports no more of the engine than it reads
    from layout.options import BuildOptions

ENGINE_FOLDER = Path(layout.__file__).parent


@dataclass(frozen=True)
class InputFile:
    """One file a build read, as it was then; ``sha256`` None when it was missing (a photo not yet there)."""

    path: str
    size: int | None
    mtime_ns: int | None
    sha256: str | None

    @classmethod
    def now(cls, path: Path) -> InputFile:
        try:
            status = path.stat()
        except OSError:
            return cls(str(path), None, None, None)
        return cls(str(path), status.st_size, status.st_mtime_ns, _file_hash(path))

    def unchanged(self) -> bool:
        """Whether the file is as it was: the same size and time, else the same content."""
        try:
            status = os.stat(self.path)
        except OSError:
            return self.sha256 is None
        if (status.st_size, status.st_mtime_ns) == (self.size, self.mtime_ns):
            return True
        return self.sha256 is not None and status.st_size == self.size and _file_hash(Path(self.path)) == self.sha256


def input_files(paths: Iterable[Path]) -> tuple[InputFile, ...]:
    return tuple(InputFile.now(path) for path in sorted(paths))


def inputs_json(files: Iterable[InputFile]) -> str:
    return json.dumps([dataclasses.astuple(file) for file in files])


def inputs_from_json(text: str) -> tuple[InputFile, ...]:
    return tuple(InputFile(*row) for row in json.loads(text))


def options_hash(options: BuildOptions) -> str:
    """The options' fingerprint; where the outputs go is not one of them."""
    fields = {f.name: getattr(options, f.name) for f in dataclasses.fields(options) if f.name != "out_dir"}
    return hashlib.sha256(repr(fields).encode()).hexdigest()


@cache
def style_hash(name: str) -> str:
    """The fingerprint of every file of the style and of the styles it extends (templates, CSS, settings)."""
    from layout.style import load_style

    return _tree_hash(load_style(name).folders)


@cache
def engine_version() -> str:
    """reissue's version and a fingerprint of its code: a new engine rebuilds what the old one made."""
    return f"{layout.__version__}+{_tree_hash((ENGINE_FOLDER,))[:16]}"


def _tree_hash(folders: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"{path.relative_to(folder)}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _file_hash(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
