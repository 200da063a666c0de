"""The short lines an archive keeps under a headline -> the section's and the issue's fields (issue 9).

In: the text of a line under a headline (after the subheadline), one at a time. Out: the field it
is (``MetadataLine``), or None when the line is the story's own text. A date line's date goes to the
issue (``IssueDate``): the masthead's date, when the masthead states none.

The lines, in any order, each at most once a story:

- a date line (any form ``dates`` reads) -> the issue's date. A story dated otherwise than the issue
  keeps its date line as its first paragraph: the model has no story dates, and nothing is lost;
- a column line, ``专栏：X`` or ``栏目：X`` -> the kicker (the column's name), as written, label and all:
  the label is text of the source, and the reissue prints what the source says;
- an author line, ``作者：X`` -> the byline, as written;
- a byline (◆通讯员 …, 记者 …, By …) or a dateline alone on its line (【新华社延安十日电】) -> the byline;
- a lone short name (two to four Han characters) -> the author (a commentary's);
- a label with nothing after it (``专栏：``, ``作者：``: the archive's field left empty) -> nothing: it is
  left out (a LABEL repair).

Page lines (第2版) are page markers (``source_pages``), read before the sections are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from layout.readers.datelines import dateline
from layout.readers.dates import DateLine, read_date_line
from layout.readers.newspaper import HAN
from layout.readers.source_pages import page_marker

COLUMN_LINE = re.compile(r"^(?:专栏|栏目)\s*[:：]\s*\S.{0,24}$")
AUTHOR_LINE = re.compile(r"^作者\s*[:：]\s*\S.{0,30}$")
EMPTY_LABEL = re.compile(r"^(?:专栏|栏目|作者)\s*[:：]$")  # an archive's field left empty
AUTHOR = re.compile(f"^[{HAN}](?: ?[{HAN}]){{1,3}}$")  # 林涛, or spaced as type sets a two-character name: 林 涛


@dataclass(frozen=True)
class MetadataLine:
    # the section's field it fills: kicker, byline or author; "date" for the issue's date; "label" for an
    # empty label, which says nothing and is left out
    field: str
    date: DateLine | None = None


@dataclass
class IssueDate:
    """The issue's date as the date lines under headlines state it, and the lines that state it."""

    date: DateLine | None  # the masthead's, until a date line gives one
    line: int | None = None  # the first date line's, when the date is a date line's

    def take(self, date: DateLine, text: str, line: int) -> bool:
        """Whether the date line ``text`` states the issue's date (it does when it is the first date found)."""
        if self.date is None:
            self.date, self.line = date, line
        return self.date.iso == date.iso


def stands_alone(text: str) -> bool:
    """Whether ``text`` is a line an archive sets on its own, never a wrapped paragraph's part: a date
    line, a page line or marker, a column or an author line. Archives set them one under another with
    no blank line between, so each must end the lines run together before it."""
    return bool(
        COLUMN_LINE.match(text)
        or AUTHOR_LINE.match(text)
        or EMPTY_LABEL.match(text)
        or page_marker(text)
        or read_date_line(text)
    )


def is_metadata_line(text: str) -> bool:
    """Whether ``text`` has the shape of a line an archive keeps under a headline (see ``metadata_line``)."""
    return stands_alone(text) or bool(AUTHOR.match(text)) or dateline(text) == text


def metadata_line(text: str, taken: set[str], issue_date: IssueDate, line: int, *, byline: bool) -> MetadataLine | None:
    """The field the line ``text`` (source line ``line``) under a headline is, of those not yet ``taken``.

    ``byline`` says whether the line has a byline's shape (the parser's rule for bylines)."""
    if "date" not in taken and (date := read_date_line(text)) and issue_date.take(date, text, line):
        return MetadataLine("date", date)
    if EMPTY_LABEL.match(text):
        return MetadataLine("label")
    candidates = (
        ("kicker", bool(COLUMN_LINE.match(text))),
        ("byline", bool(AUTHOR_LINE.match(text)) or byline or dateline(text) == text),
        ("author", bool(AUTHOR.match(text))),
    )
    name = next((name for name, fits in candidates if fits), None)
    return MetadataLine(name) if name is not None and name not in taken and not {"byline", "author"} & taken else None
