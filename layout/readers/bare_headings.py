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

The masthead runs to its date line (a line in capitals over it, the nameplate as OCR read it, is its
furniture too); what stands between it and the first headline, or after it in a text with no line of a
headline's shape, stands under no headline (``unheaded_start``): the reader makes it a story with none.

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
NAMEPLATE_SPAN = 4  # lines: a nameplate in capitals stands this close above the masthead's date line
MASTHEAD_SPAN = 30  # lines: a masthead is no longer; a date line further down is the text's
SMALL_LETTERS_IN_CAPITALS = 5  # a line set in capitals, as OCR reads it, has at most one small letter in so many
PRICE_LINE = re.compile(r"^price\b.{1,24}$|^(?:\d+|one|two|three|five|ten)\s+(?:cents?|pence)\.?$", re.IGNORECASE)


def marked_headings(lines: list[str], *, title_declared: bool) -> list[str]:
    """``lines`` with the headlines (and the title) the text does not mark marked (see the module)."""
    read = _unmarked_text(lines)
    if read is None:
        return lines
    marked, levels, _ = read
    if not levels:
        return lines  # nothing has a headline's shape: the reader says the text marks no headings
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and not title_declared and _is_title(lines[first]) and not _heads_a_story(lines, first):
        levels[first] = 1  # the nameplate, whatever its shape: a paper's first line names it
        levels = {i: level for i, level in levels.items() if not (i == first + 1 and level == 3)}
    for index, level in levels.items():
        marked[index] = f"{'#' * level} {lines[index].strip()}"
    return marked


def unheaded_start(lines: list[str], *, title_declared: bool) -> int | None:
    """The index of the first line of the text that stands under no headline, in text that marks no
    headings of its own: the first line after the masthead (less the masthead's lines right under its
    date line: a price, a volume) when it comes before the first headline (OCR garbled the first story's
    head, or set it in small letters, or the page has no line of a headline's shape). The masthead runs
    to its date line; a masthead that states none runs to the first headline, unless a paragraph comes
    first: then it is the first line, the nameplate, alone (none when the title is declared elsewhere).
    None when the text marks its own headings, or the first headline follows the masthead."""
    read = _unmarked_text(lines)
    if read is None:
        return None
    _, levels, masthead = read
    first_headline = min(levels, default=len(lines))
    if not masthead and levels and not any(_is_prose(line.strip()) for line in lines[:first_headline]):
        return None  # a masthead with no date line runs to the first headline, when no paragraph comes first
    if not masthead and not title_declared:
        masthead = next((i + 1 for i, line in enumerate(lines) if line.strip()), 0)
    start = masthead
    while start < first_headline and (not lines[start].strip() or _is_masthead_line(lines[start].strip())):
        start += 1
    return start if start < first_headline else None


def _unmarked_text(lines: list[str]) -> tuple[list[str], dict[int, int], int] | None:
    """The lines of a text that marks no headings of its own (a stray '#' of OCR indented as text), the
    level of each line with a headline's shape and the masthead's length; None when the text marks its own."""
    stray = [i for i, line in enumerate(lines) if MARKDOWN_HEADING.match(line)]
    if len(stray) > 1 or any(MARKDOWN_HEADLINE.match(line) for line in lines):
        return None
    marked = list(lines)
    for index in stray:  # OCR's '#', not markup: a line of text (indented, which no heading is)
        marked[index] = "    " + lines[index]
    indented = sum(bool(INDENT.match(line)) for line in marked) >= MIN_INDENTED
    masthead = _masthead_length(marked, indented)
    return marked, _headline_levels(marked, indented, masthead), masthead


def _headline_levels(lines: list[str], indented: bool, masthead: int) -> dict[int, int]:
    """The index of each headline line and its heading level: 2 for a headline, 3 for a deck under it.
    No line of the masthead (``masthead`` lines long) is one: they are the masthead's furniture."""
    levels: dict[int, int] = {}
    for index, line in enumerate(lines[masthead:], masthead):
        text = line.strip()
        if not _is_display(text):
            continue
        if index - 1 in levels and _is_capital_head(text):
            levels[index] = 3  # a deck under a capital headline, never a story with no text of its own
        elif _heads_story(lines, index, indented) or _opens_capital_run(lines, index):
            levels[index] = 2
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
    are its furniture (THE WEATHER, METAL QUOTATIONS), not a head, and so is a first line in capitals
    with the date line a few lines under it (the nameplate, as OCR read it). 0 when no date line comes
    before the first line that heads a story, among the first ``MASTHEAD_SPAN`` and above the first
    paragraph: a date further down is a story's."""
    heads = (
        i
        for i, line in enumerate(lines)
        if _is_display(line.strip())
        and _heads_story(lines, i, indented)
        and not (i == 0 and not _heads_a_story(lines, 0) and _dated_within(lines, NAMEPLATE_SPAN))
    )
    prose = next((i for i, line in enumerate(lines) if _is_prose(line.strip())), len(lines))
    searched = min(next(heads, len(lines)), prose, MASTHEAD_SPAN)
    return next((i + 1 for i in range(searched) if _is_dated(lines[i].strip())), 0)


def _heads_a_story(lines: list[str], index: int) -> bool:
    """Whether the line at ``index``, over lines an archive keeps under a headline, heads a story: text,
    not another headline in capitals, follows them. The paper's name over its date line, with the first
    headline under them, is the nameplate (THE HERALD / MONDAY, MARCH 6, 1916 / NEWS OF THE DAY.)."""
    if not _heads_metadata(lines, index):
        return False
    after = (line.strip() for line in lines[index + 1 :] if line.strip() and not stands_alone(line.strip()))
    following = next(after, None)
    return following is not None and not (_is_display(following) and _is_capital_head(following))


def _dated_within(lines: list[str], span: int) -> bool:
    return any(_is_dated(line.strip()) for line in lines[1 : span + 1])


def _is_prose(text: str) -> bool:
    """A line of a paragraph, never a masthead's: wider than a headline, ending a sentence, in small letters."""
    return len(text) > HEADLINE_WIDTH and bool(SENTENCE_END.search(text)) and not _in_capitals(text)


def _is_masthead_line(text: str) -> bool:
    """A line of the masthead's own under its date line: a price, or fields alone (VOL. XVI-NO. 41)."""
    values: dict[str, object] = {}
    return bool(PRICE_LINE.match(text)) or not take_masthead_fields(text, 0, values, {})


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
    """Whether ``text`` gives a date as a masthead's date line does (TONOPAH, NEVADA, … AUGUST 2. 1916):
    a line that ends no sentence, or whose words besides its fields are set in capitals (LUCY, LOUISIANA,
    SATURDAY, FEBRUARY 12, 1916. No. 7.), as a sentence's are not."""
    values: dict[str, object] = {}
    words = " ".join(take_masthead_fields(text, 0, values, {}))
    return "date" in values and (_in_capitals(words) or not SENTENCE_END.search(text))


def _in_capitals(text: str) -> bool:
    """Whether ``text`` is set in capitals, as OCR reads them (a small letter misread here and there)."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.islower() for c in letters) * SMALL_LETTERS_IN_CAPITALS <= len(letters)


def _is_title(line: str) -> bool:
    text = line.strip()
    return bool(text) and len(text) <= TITLE_WIDTH and not SENTENCE_END.search(text) and not stands_alone(text)
