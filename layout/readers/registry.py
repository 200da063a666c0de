"""A source file -> the reader of its format: the registry of the input formats reissue reads.

In: a path, and the name of a format when the user forces one (``--format``). Out: the ``Reader`` that
reads the file into a ``model.Issue`` (``reader_for``), or the model itself (``read_issue``).

Each reader is a module of this package that registers itself as it is imported: a name, the file
extensions it claims, a ``sniff`` that knows its content from the file's first bytes, and a ``read``.
The content decides, not the name: an archive names its files anyhow. A file goes to the reader whose
sniff claims it; when several do, to the one that also claims the file's extension, else to the first
registered. Content no reader claims is refused, never read as the nearest format, with the formats
reissue reads in the message.

``read_issue`` gives every reader the settings of the issue's paper (``paper``: its nearest
``paper.yaml``), which the reader applies beneath what the issue declares and above what it infers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from layout.errors import SourceError, quoted
from layout.model import Issue
from layout.readers.dating import dated
from layout.readers.notes import with_notes
from layout.readers.paper import PaperSettings, read_paper_settings
from layout.readers.source import head_text, read_head

HEAD_SIZE = 4096  # bytes a sniff sees: room for an XML declaration, a doctype, comments and the root element


@dataclass(frozen=True)
class Reading:
    """How an issue is read, beyond its source: what the command line and the paper's settings say."""

    normalize_punctuation: bool | None = None  # None: as the source says (on by default)
    page_count: int | None = None  # the command line's, replacing the issue's own
    # the settings of the issue's paper: they override what the reader infers, and the issue's own
    # declarations (a front matter) override them
    paper: PaperSettings = field(default_factory=PaperSettings)


class Reader(Protocol):
    """One input format: what it is called, how it is told, and how it is read into the model."""

    name: str  # what --format calls it
    description: str  # what it reads, in a few words, for the lists of formats
    file_extensions: tuple[str, ...]  # lower case, with the dot: the tie-breaker between readers claiming content

    def sniff(self, head: bytes) -> bool:
        """Whether the file that opens with ``head`` (its first ``HEAD_SIZE`` bytes, or all of it) is in this format."""
        ...

    def read(self, path: Path, reading: Reading) -> Issue:
        """The model of the issue at ``path``, read as ``reading`` asks."""
        ...


_READERS: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    """``reader`` added to the formats reissue reads, after those registered before it."""
    assert reader.name not in _READERS, f"two readers are named {reader.name}"
    _READERS[reader.name] = reader
    return reader


def format_names() -> list[str]:
    """The names of the formats reissue reads, in the order their readers were registered."""
    return list(_READERS)


def reader_for(path: Path, format: str | None = None) -> Reader:
    """The reader of the file at ``path``: the one named ``format``, else the one its content is for."""
    if format is not None:
        if format not in _READERS:
            raise SourceError(
                f"{quoted(format)} is not a format reissue reads",
                path=path,
                hint=f"name one of those it reads: {_known_formats()}",
            )
        return _READERS[format]
    head = read_head(path, HEAD_SIZE)
    claiming = [reader for reader in _READERS.values() if reader.sniff(head)]
    if not claiming:
        opening = next((line.strip() for line in head_text(head).splitlines() if line.strip()), "")
        raise SourceError(
            f"no reader reads this content yet (it opens with {quoted(opening)})",
            path=path,
            hint=f"give the issue in one of the formats reissue reads: {_known_formats()}",
        )
    by_extension = [reader for reader in claiming if path.suffix.lower() in reader.file_extensions]
    return (by_extension or claiming)[0]


def read_issue(
    path: Path, *, format: str | None = None, normalize_punctuation: bool | None = None, page_count: int | None = None
) -> Issue:
    """The model of the issue at ``path``, read by the reader of its format (see ``reader_for``) with the
    settings of its paper."""
    reading = Reading(normalize_punctuation, page_count, read_paper_settings(path))
    return with_notes(dated(reader_for(path, format).read(path, reading)))


def _known_formats() -> str:
    return ", ".join(f"{reader.name} ({reader.description})" for reader in _READERS.values())
