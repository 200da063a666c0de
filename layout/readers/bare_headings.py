"""Extracted text with no Markdown headings -> the same lines with its headlines marked by their shape.

In: the lines of an issue's body (after any front matter) and whether the paper's title is declared
elsewhere. Out: the lines, each headline given the ``## `` the text reader reads headlines by, and the
paper's title ``# `` when the first line is the paper's name; or the lines unchanged when any line is a
Markdown heading already (the text marks its own: a ``##`` headline, or two headings; a lone ``#``
line in OCR text is text, read as such), or when no line has a headline's shape. Line numbers do not change.

OCR and archive dumps carry no markup; their headlines are known by their shape:

- a short line that ends no sentence with a line an archive keeps under a headline right after it (a
  date line, a page line, ``专栏：``, ``作者：``), as database dumps of Chinese dailies set every story;
- in text whose paragraphs open with an indent (``　　``, four spaces, a tab), a short line with no
  indent that ends no sentence, over an indented line;
- a line of capitals standing on its own (after a blank line, a line that ends a sentence, or the
  masthead's date or price line), or opening three lines or more in capitals (OCR's column order may
  set a head right under a paragraph's last line), as English papers of the nineteenth and early
  twentieth centuries set their heads (``LATEST FROM EUROPE.``); the capital lines right under it are
  its decks, a deeper heading each. A price line (``PRICE 10 CENTS``) is the masthead's, never a head.

The first line is the paper's title when it is short, stands over no archive's metadata lines (then
it is a story's headline) and the title is not declared elsewhere (a paper.yaml, the front matter).
"""

from __future__ import annotations

import re

from layout.readers.metadata_lines import stands_alone
from layout.readers.newspaper import INDENT, take_masthead_fields
from layout.readers.source_pages import page_marker

MARKDOWN_HEADING = re.compile(r"^ {0,3}#{1,6}\s")
MARKDOWN_HEADLINE = re.compile(r"^ {0,3}#{2,6}\s")
HEADLINE_WIDTH = 60  # characters: a headline is a line, never a paragraph's
TITLE_WIDTH = 40
SENTENCE_END = re.compile(r"[。！？!?…][”’」』\"')）]*$|(?<![A-Z])\.[”’\"')]*$")  # not an initial's stop: J. SMITH.
CONTINUES = re.compile(r"[,，、;；:：\-—–]$")
MIN_INDENTED = 3  # indented lines that show a text marks its paragraphs so
CAPITALS = re.compile(r"^[^a-z]*[A-Z][^a-z]*[A-Z][^a-z]*$")  # two capitals or more and no small letter
CAPITAL_RUN = 3  # lines in capitals one under another: a head and its decks, never a paragraph's lines
PRICE_LINE = re.compile(r"^price\b.{1,24}$|^(?:\d+|one|two|three|five|ten)\s+(?:cents?|pence)\.?$", re.IGNORECASE)


def marked_headings(lines: list[str], *, title_declared: bool) -> list[str]:
    """``lines`` with the headlines (and the title) the text does not mark marked (see the module)."""
    stray = [i for i, line in enumerate(lines) if MARKDOWN_HEADING.match(line)]
    if len(stray) > 1 or any(MARKDOWN_HEADLINE.match(line) for line in lines):
        return lines
    marked = list(lines)
    for index in stray:  # OCR's '#', not markup: a line of text (indented, which no heading is)
        marked[index] = "    " + lines[index]
    levels = _headline_levels(marked)
    if not levels:
        return lines  # nothing has a headline's shape: the reader says the text marks no headings
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and not title_declared and _is_title(lines[first]) and not _heads_metadata(lines, first):
        levels[first] = 1  # the nameplate, whatever its shape: a paper's first line names it
        levels = {i: level for i, level in levels.items() if not (i == first + 1 and level == 3)}
    for index, level in levels.items():
        marked[index] = f"{'#' * level} {lines[index].strip()}"
    return marked


def _headline_levels(lines: list[str]) -> dict[int, int]:
    """The index of each headline line and its heading level: 2 for a headline, 3 for a deck under it."""
    levels: dict[int, int] = {}
    indented = sum(bool(INDENT.match(line)) for line in lines) >= MIN_INDENTED
    masthead = _masthead_length(lines, indented)
    for index, line in enumerate(lines):
        text = line.strip()
        if not _is_display(text):
            continue
        if _heads_story(lines, index, indented) or (index >= masthead and _opens_capital_run(lines, index)):
            levels[index] = 2
        elif index - 1 in levels and _is_capital_head(text):
            levels[index] = 3  # a deck under a capital headline
    return levels


def _heads_story(lines: list[str], index: int, indented: bool) -> bool:
    """Whether the display line at ``index`` heads a story by where it stands (see the module)."""
    return (
        _heads_metadata(lines, index)
        or (indented and _heads_indented_paragraph(lines, index))
        or (_is_capital_head(lines[index].strip()) and _stands_apart(lines, index))
    )


def _masthead_length(lines: list[str], indented: bool) -> int:
    """How many lines the masthead takes by its date line, the masthead's last: lines in capitals above it
    are its furniture (THE WEATHER, METAL QUOTATIONS), not a head. None when no date line comes before
    the first line that heads a story."""
    first = next(
        (i for i, line in enumerate(lines) if _is_display(line.strip()) and _heads_story(lines, i, indented)),
        len(lines),
    )
    return next((i + 1 for i in range(first) if _is_dated(lines[i].strip())), 0)


def _is_display(text: str) -> bool:
    """A line short enough for a headline that ends no sentence mid-way and marks no page, date or price."""
    return (
        bool(text)
        and len(text) <= HEADLINE_WIDTH
        and not CONTINUES.search(text)
        and not stands_alone(text)
        and not PRICE_LINE.match(text)
    )


def _heads_metadata(lines: list[str], index: int) -> bool:
    """Whether the line at ``index`` ends no sentence and the lines after it (blank lines between allowed)
    open with one an archive keeps under a headline: a date, column or author line, or a page line with
    one of those after it (a page line alone may stand between stories, under a story's last line)."""
    text = lines[index].strip()
    if SENTENCE_END.search(text) and not _is_capital_head(text):
        return False
    following = [line.strip() for line in lines[index + 1 : index + 6] if line.strip()]
    if following and page_marker(following[0]) is not None:
        following = following[1:]
    return bool(following) and stands_alone(following[0]) and page_marker(following[0]) is None


def _heads_indented_paragraph(lines: list[str], index: int) -> bool:
    """Whether the line at ``index``, itself not indented and ending no sentence, stands over an indented
    line (a paragraph's first), blank lines between allowed."""
    line = lines[index]
    if INDENT.match(line) or SENTENCE_END.search(line.strip()):
        return False
    following = next((later for later in lines[index + 1 :] if later.strip()), "")
    return bool(INDENT.match(following))


def _is_capital_head(text: str) -> bool:
    return bool(CAPITALS.match(text)) and sum(c.isalpha() for c in text) >= 4


def _stands_apart(lines: list[str], index: int) -> bool:
    """Whether the line begins the text, follows a blank line or a line that ends a sentence, or follows
    a page marker or the masthead's date or price line: not the capitals of a wrapped paragraph's line."""
    if index == 0:
        return True
    before = lines[index - 1].strip()
    return (
        not before
        or bool(SENTENCE_END.search(before))
        or page_marker(before) is not None
        or bool(PRICE_LINE.match(before))
        or _is_dated(before)
    )


def _opens_capital_run(lines: list[str], index: int) -> bool:
    """Whether the line opens a run of ``CAPITAL_RUN`` lines or more set in capitals: a headline and its
    decks, wherever OCR's column order put them (a wrapped paragraph never has so many lines in capitals)."""
    if index > 0 and CAPITALS.match(lines[index - 1].strip()):
        return False
    run = [line.strip() for line in lines[index : index + CAPITAL_RUN]]
    return (
        len(run) == CAPITAL_RUN
        and all(CAPITALS.match(line) and _is_display(line) for line in run)
        and any(_is_capital_head(line) for line in run)
    )


def _is_dated(text: str) -> bool:
    """Whether ``text`` gives a date as a masthead's date line does (TONOPAH, NEVADA, … AUGUST 2. 1916)."""
    values: dict[str, object] = {}
    take_masthead_fields(text, 0, values, {})
    return "date" in values and not SENTENCE_END.search(text)


def _is_title(line: str) -> bool:
    text = line.strip()
    return bool(text) and len(text) <= TITLE_WIDTH and not SENTENCE_END.search(text) and not stands_alone(text)
