"""A paper's settings file -> what holds for every issue of the paper: ``PaperSettings``.

In: the path of an issue's source. Out: the values of the nearest ``paper.yaml`` and the file they
came from, or none. The nearest is the one in the issue's folder (the folder of the file itself, a
symlink followed, as for its images), else in the closest folder above it. The search stops after
the first folder that holds ``.git``, the root of the repository the archive is kept in, whose
settings are the archive's own; else at the filesystem's root.

The file is read by the front matter's checker (``frontmatter.read_settings``): the front matter's
keys, less those only one issue can say (its date, number, weekday, lunar date, editor on duty,
encoding and sections), each checked as there and any problem an error naming ``paper.yaml`` and its
line. It is UTF-8 of at most ``MAX_BYTES``. A reader applies the values beneath what the issue itself
declares (its front matter) and above what it infers from the issue's text (``declared``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layout.errors import SourceError
from layout.model import Catalogue, Settings, issue_folder
from layout.readers.frontmatter import TOP_KEYS, Document, read_settings
from layout.readers.source import read_head

PAPER_FILE = "paper.yaml"
REPOSITORY_MARK = ".git"  # a folder or, in a git worktree, a file
MAX_BYTES = 64_000  # a paper's settings are a few lines; a larger file is a mistake or an attack
ISSUE_KEYS = ("date", "issue_number", "weekday", "lunar_date", "editor_on_duty", "encoding")
PAPER_KEYS = {key: check for key, check in TOP_KEYS.items() if key not in ISSUE_KEYS}
PAPER_DOCUMENT = Document(PAPER_FILE, f"{PAPER_FILE} key", 1, f"fix the YAML of {PAPER_FILE}")


@dataclass(frozen=True)
class PaperSettings:
    """The values of a paper's settings file by key (front matter keys), and the file."""

    file: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def declared(self, issue_values: dict[str, Any]) -> dict[str, Any]:
        """What the issue declares (``issue_values``, its front matter's) over what its paper does."""
        return {**self.values, **issue_values}


def declared_settings(
    declared: dict[str, Any],
    *,
    language: str,
    normalize_punctuation: bool,
    page_size: tuple[float, float] | None = None,
) -> Settings:
    """How the issue asks to be made: what it or its paper declares, over the ``language`` and the
    printed ``page_size`` a reader found."""
    return Settings(
        language=declared.get("language") or language,
        style=declared.get("style"),
        paper=declared.get("paper"),
        normalize_punctuation=normalize_punctuation,
        page_names=declared.get("page_names", ()),
        page_size=page_size,
    )


def declared_catalogue(declared: dict[str, Any]) -> Catalogue:
    """What a catalogue files the issue by, as it or its paper declares it."""
    return Catalogue(
        subjects=declared.get("subjects", ()),
        description=declared.get("description"),
        rights=declared.get("rights"),
    )


def find_paper_file(source: Path) -> Path | None:
    """The ``paper.yaml`` nearest to the issue at ``source`` (see the module's docstring), if any."""
    folder = issue_folder(source)
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / PAPER_FILE):  # a folder or a broken link by that name is an error to report
            return candidate / PAPER_FILE
        if os.path.lexists(candidate / REPOSITORY_MARK):
            return None
    return None


def read_paper_settings(source: Path) -> PaperSettings:
    """The settings of the paper of the issue at ``source``: those of its nearest ``paper.yaml``."""
    file = find_paper_file(source)
    if file is None:
        return PaperSettings()
    data = read_head(file, MAX_BYTES + 1, what="the paper's settings")
    if len(data) > MAX_BYTES:
        raise SourceError(
            f"{PAPER_FILE} is more than the {MAX_BYTES // 1000} kB a paper's settings may take",
            path=file,
            hint="keep in it only the keys that hold for every issue of the paper",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{PAPER_FILE} is not UTF-8",
            path=file,
            line=data[: error.start].count(b"\n") + 1,
            hint="save it as UTF-8",
        ) from None
    return PaperSettings(file, read_settings(text, file, PAPER_KEYS, PAPER_DOCUMENT))
