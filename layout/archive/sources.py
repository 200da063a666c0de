"""Paths given on the command line -> the issue sources under them, each with where its outputs go.

A file given is an issue, built into ``OUT/<its name>``; a folder is walked (hidden files and folders,
and the output folder, left out) and its outputs mirror it: ``in/1946/05/15.md`` given as ``in`` goes to
``OUT/1946/05/15.pdf`` and ``.epub``. In a folder, a file is an issue when:

- it is text by its extension (``.md``, ``.markdown``, ``.txt``), unless its name says it is a note kept
  beside issues (README, SOURCE, PROVENANCE, LICENSE, ...); what it holds is the reader's to judge, so a
  broken issue is reported, not passed over;
- it is markup (``.xml``, ``.html``, ``.hocr``...) whose content a reader claims: a METS issue, an hOCR
  file, or an ALTO page that no METS in its folder or above claims (the pages of a METS are in its folder).

Markup no reader claims (a MODS record, a web page) is not an issue of the archive and is passed over.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from layout.errors import ReissueError
from layout.readers import reader_for

TEXT_EXTENSIONS = (".md", ".markdown", ".txt")
MARKUP_EXTENSIONS = (".xml", ".alto", ".mets", ".hocr", ".html", ".htm", ".xhtml")
NOTES = ("readme", "source", "sources", "provenance", "license", "licence", "copying", "notes", "changelog")


@dataclass(frozen=True)
class IssueSource:
    path: Path
    key: str  # where its outputs go under OUT, without extension: "1946/05/15"


def find_sources(paths: Iterable[Path], out_dir: Path) -> list[IssueSource]:
    """The issue sources of ``paths``, in the order given, each folder's in path order."""
    found: list[IssueSource] = []
    for path in paths:
        if path.is_dir():
            found += (
                IssueSource(source, source.relative_to(path).with_suffix("").as_posix())
                for source in _issues_in(path, out_dir)
            )
        else:  # a file given is an issue whatever it holds; a missing one is its build's error to report
            found.append(IssueSource(path, path.stem))
    return found


def _issues_in(folder: Path, out_dir: Path) -> Iterator[Path]:
    skipped = os.path.abspath(out_dir)
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(
            f for f in folders if not f.startswith(".") and os.path.abspath(os.path.join(root, f)) != skipped
        )
        candidates = [Path(root, name) for name in sorted(files) if not name.startswith(".")]
        kinds = {path: _kind(path) for path in candidates}
        if "mets" in kinds.values():  # its folder's pages (and those of the folders below) are the METS's
            folders.clear()
        for path, kind in kinds.items():
            if kind == "text" or kind in ("mets", "hocr") or (kind == "alto" and "mets" not in kinds.values()):
                yield path


def _kind(path: Path) -> str | None:
    """``text`` for an issue of text, the format of markup a reader claims, else None."""
    suffix = path.suffix.lower()
    if suffix in TEXT_EXTENSIONS:
        return None if path.stem.lower() in NOTES else "text"
    if suffix not in MARKUP_EXTENSIONS:
        return None
    try:
        name = reader_for(path).name
    except ReissueError:
        return None
    return name if name != "text" else None
