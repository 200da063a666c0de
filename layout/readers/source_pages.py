"""Page lines and page markers of extracted text -> the print page each section was on (issue 9).

In: the pieces of an issue's text (headings and paragraphs, in reading order). Out: the pieces less
the markers, the page each section heading's story was printed on, the highest page named and the
pages' names (版名) the markers give.

A page marker is a line of its own: ``第2版`` (``第二版``, ``2版``, ``第2版：要闻``, ``第2版 要闻``,
``第2版（要闻）``, ``第2版()``),
``Page 2``, an HTML comment ``<!-- page 2 -->``, or a Markdown thematic break (``---``, ``-----``,
``***``: PDF-to-Markdown tools such as pymupdf4llm and MarkItDown write one between pages), which
begins the page after the one before it. A marker begins a page: the stories after it are on it, until
the next marker. A marker among the short lines right under a headline (the archive's page line, with
its date and column lines) says the page of that story. Stories before the first marker are on the
front page when that marker begins page 2, and on no page in particular otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from layout.model import MAX_PAGES
from layout.readers.newspaper import HAN

CHINESE_NUMERAL = "一二三四五六七八九十"
PAGE_LINE = re.compile(
    rf"^第?\s*(?P<number>\d{{1,3}}|[{CHINESE_NUMERAL}]{{1,3}})\s*版"
    rf"(?:(?:\s*[:：]\s*|\s+)(?P<name>[{HAN}]{{2,8}})|\s*[（(](?P<bracketed>[{HAN}]{{2,8}})?[）)])?$"
)
PAGE_WORD = re.compile(r"^page\s+(?P<number>\d{1,3})\.?$", re.IGNORECASE)
PAGE_COMMENT = re.compile(r"^<!--\s*page\s+(?P<number>\d{1,3})\s*-->$", re.IGNORECASE)
THEMATIC_BREAK = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")


class Piece(Protocol):
    text: str
    line: int
    level: int  # a heading's depth; 0 for text


P = TypeVar("P", bound=Piece)


@dataclass(frozen=True)
class Marker:
    """A page marker: the page it begins (None: the page after the last), and the page's name if it gives one."""

    number: int | None
    name: str | None = None


@dataclass
class SourcePages:
    """What the markers say: each section heading's page and the marker's line (by the heading's line),
    the highest page and the pages' names."""

    by_heading: dict[int, tuple[int, int]] = field(default_factory=dict)
    highest: int | None = None
    names: dict[int, str] = field(default_factory=dict)
    markers: list[tuple[str, int]] = field(default_factory=list)  # each marker taken out, and its line


def page_marker(text: str) -> Marker | None:
    """The page marker ``text`` is, if the whole line is one."""
    text = text.strip()
    if THEMATIC_BREAK.match(text):
        return Marker(None)
    if match := PAGE_LINE.match(text):
        number = _page_number(match["number"])
        return Marker(number, match["name"] or match["bracketed"]) if number is not None else None
    for pattern in (PAGE_WORD, PAGE_COMMENT):
        if match := pattern.match(text):
            return Marker(_page_number(match["number"]))
    return None


def take_page_markers(
    pieces: Sequence[P], level: int, under_headline: Callable[[str], bool]
) -> tuple[list[P], SourcePages]:
    """``pieces`` (the masthead's and the body's) without their page markers, and the page of each
    section (a heading of ``level``). ``under_headline`` tells the lines an archive keeps under a
    headline (a date line, a column line): a marker among them is the page line of that headline's story.

    A thematic break begins a page only when a story follows it: tools write one after the last page
    too, and a masthead may have one as a rule under the nameplate (there it stays, as furniture)."""
    kept: list[P] = []
    found = SourcePages()
    page: tuple[int, int] | None = None  # the current page and the line of the marker that began it
    heading: P | None = None
    leading = False  # only the archive's lines since the heading: a marker here is the story's own page line
    unplaced: list[P] = []  # headings before the first marker
    first_page: tuple[int, int] | None = None
    pending_break: int | None = None  # the line of a thematic break that no story has followed yet

    def begin(number: int, line: int) -> None:
        nonlocal page, first_page
        page = (number, line)
        first_page = first_page or page
        found.highest = max(found.highest or 0, number)

    for piece in pieces:
        marker = None if piece.level else page_marker(piece.text)
        if marker is None:
            kept.append(piece)
            if piece.level == level:
                if pending_break is not None:
                    begin((page[0] if page else 1) + 1, pending_break)
                    pending_break = None
                heading, leading = piece, True
                if page is not None:
                    found.by_heading[piece.line] = page
                else:
                    unplaced.append(piece)
            elif not piece.level and not under_headline(piece.text):
                leading = False
            continue
        if marker.number is None:
            if heading is None:
                kept.append(piece)  # a rule in the masthead, not a page break
            else:
                pending_break = piece.line
                found.markers.append((piece.text, piece.line))
            continue
        if not 1 <= marker.number <= MAX_PAGES:
            kept.append(piece)  # no page an issue has: text, not a marker
            continue
        found.markers.append((piece.text, piece.line))
        begin(marker.number, piece.line)
        if marker.name:
            found.names[marker.number] = marker.name
        if heading is not None and leading:
            found.by_heading[heading.line] = (marker.number, piece.line)
            if heading in unplaced:
                unplaced.remove(heading)
    if first_page and first_page[0] == 2:
        found.by_heading.update({piece.line: (1, first_page[1]) for piece in unplaced})
    return kept, found


def _page_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    tens, ten, units = text.partition("十")
    digits = {c: i for i, c in enumerate(CHINESE_NUMERAL[:9], 1)}
    if not ten:
        return digits.get(text) if len(text) == 1 else None
    if (tens and tens not in digits) or (units and units not in digits):
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[units] if units else 0)
