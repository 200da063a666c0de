"""Source text -> model: reads an issue's extracted Markdown-like text into an ``Issue``.

In: the source file (or its text and path) and whether to normalise punctuation. Out: a frozen
``Issue`` in which every piece of text carries its source line, with the repairs made to the text.

The rules read the shapes editors use in any daily, Chinese or English, not the words of one paper:

- Everything before the first section heading is the masthead; in OCR text, which marks no headings,
  the masthead ends at its date line, and the text between it and the first headline (or all the text,
  when no line has a headline's shape) is a story under no headline. A lone heading above the section
  headings is the paper's title; dates, issue numbers, serials, web addresses and the like are found
  by their form; what no rule claims is kept verbatim as furniture.
- Before a heading, a short display line (no full stop) is the section's overline (引题); a shorter
  one before it is the kicker (栏目). After a heading: a deeper heading or a line opening with a dash
  is the subheadline, then a byline (◆通讯员 …, By …) or a lone person's name (a commentary's author).
  A dateline that opens the first paragraph (本报讯(记者 …), 【新华社延安十日电】, WASHINGTON, April 30.—:
  ``datelines``) becomes the byline, and so does a signature after the last paragraph.
- What archives keep around a story: the lines under a headline (a date, a column, an author:
  ``metadata_lines``), page lines and markers between stories (``source_pages``), a headline of decks
  on one line and the decks said again at the top of the body (``decks``), read into the model.
- Paragraphs end at blank lines, or, in a run of lines where two or more open with an indent (four
  spaces, a tab, 　　), where an indented line begins the next one. A run with no blank lines or indents
  whose lines look wrapped (OCR output: several lines of about one width, the column's) is paragraphs by
  their lines' lengths: a line clearly shorter than the column ends its paragraph when it ends a sentence,
  or stands alone when it opens one and ends no sentence (a subhead, a byline); the rest run on.
- Wrapped lines run on without a space in Chinese, with one in Latin text; a word a line's end broke
  after a hyphen is made whole when the hyphen was the compositor's (``layout.readers.hyphens``; a
  HYPHEN repair each) and keeps its hyphen, with no space, when the hyphen is the word's (New-York).
- Inside the body, a short display line followed by text (often set off by a hard line break) is a
  subhead (a run of display lines is a list, each line a paragraph), and so is a numbered section
  head (一、… （一）… II. … 1. … short, no closing stop), a heading too; a paragraph that stops
  mid-sentence at a blank line is joined with the next (a JOIN repair); paragraphs that open with
  first sentences of the same short shape have run-in heads.
- One paragraph and a credit line (… 摄, Photo by …) make a photo; a byline-less name makes a
  commentary; two or more subheads make a feature; the first story is the lead.
- Half-width , ( ) : ; ? ! next to Chinese text become full width (PUNCTUATION repairs).

The paper's settings (``layout.readers.paper``) then override what was inferred, and the issue's front
matter (``layout.readers.frontmatter``) overrides both.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layout.errors import SourceError, quoted
from layout.model import (
    Block,
    BlockRole,
    Issue,
    Masthead,
    Repair,
    RepairKind,
    Section,
    SectionKind,
)
from layout.readers.bare_headings import CAPITALS, marked_headings, unheaded_start
from layout.readers.datelines import dateline, is_signature
from layout.readers.dates import DateLine, printed_forms, read_date_line
from layout.readers.decks import Decks, repeated_lines, split_decks
from layout.readers.frontmatter import SectionOverride, read_front_matter
from layout.readers.hyphens import BROKEN_END, BROKEN_START, Hyphenation
from layout.readers.metadata_lines import IssueDate, is_metadata_line, metadata_line, stands_alone
from layout.readers.newspaper import HAN, INDENT, language_of, take_masthead_fields
from layout.readers.paper import PaperSettings, declared_catalogue, declared_settings
from layout.readers.source import read_source
from layout.readers.source_pages import THEMATIC_BREAK, SourcePages, take_page_markers

# Widths are in ems: a Chinese character is one, a Latin letter or digit about half of one.
KICKER_WIDTH = 16
SUBHEAD_WIDTH = 24
RUN_IN_WIDTH = 24
OVERLINE_WIDTH = 40
BYLINE_WIDTH = 40
CREDIT_WIDTH = 30
NUMBERED_HEAD_WIDTH = 40
RUN_IN_SPREAD = 1.5  # the longest run-in head of a series is at most this many times the shortest
# wrapped text: its column is as wide as the run's widest lines bar a few (a long URL, a line run on), its
# full lines at least FULL_LINE of that; a run of fewer full lines, or of a narrower column, is not wrapped
COLUMN_PERCENTILE = 0.9
FULL_LINE = 0.8
WRAPPED_MIN_FULL_LINES = 3
WRAPPED_MIN_COLUMN = 8
OCR_MIN_LINES = 8  # lines one under another with no blank line: OCR's text, as no writer sets it

CHINESE = re.compile(f"[{HAN}\u3000-\u303f\uff00-\uffef]")  # Han characters and full-width marks
QUOTES = "“”‘’\"'"

# a heading's marks; its text is the rest of the line, less a closing run of marks (## Title ##)
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+")
HARD_BREAK = "  "
STRONG = "**"
CHINESE_NUMERAL = "一二三四五六七八九十百零〇"
NUMBERED_HEAD = re.compile(  # a section's number: 一、 （一） (1) II. 1. 1、
    rf"^(?:[{CHINESE_NUMERAL}]+、|[（(](?:[{CHINESE_NUMERAL}]+|\d{{1,2}})[）)]|[IVXLC]{{1,7}}\.\s|\d{{1,2}}[.．、](?!\d))"
)
STOP = re.compile(r"[。！？!?….][”’」』\"')）\]]*$")  # ends a sentence: no display line has one
PARAGRAPH_END = re.compile(r"(?:[。！？!?….]|[”」』])[”’」』\"')）\]]*$")  # a paragraph may end here
MID_SENTENCE = re.compile(r"[、，,；;—–-]$")
COLON_END = re.compile(r"[:：]$")
FIRST_SENTENCE = re.compile(r"^(.+?(?:[。！？]|[.!?](?=\s)))[”’」』\"')）]*")

BYLINE = re.compile(r"^(?:[◆◇■□●○▲△★☆◎]\s*)?(?:(?:本报|特约|实习)?(?:记者|通讯员)|实习生|[文图][/／|｜]|By\s+\S)")
CREDIT = re.compile(r"^(?:.+摄(?:影)?|(?:Photos?|Photograph|Picture) by\s+.+)$", re.IGNORECASE)
JUMP = re.compile(
    r"^(?:(?:Continued|See)\b.*\bpage\s+\d+\.?|[（(]?(?:下转|上接|转|接)第?\s*\d+\s*版.*)$", re.IGNORECASE
)
SUBHEADLINE = re.compile(r"^(?:——|—|--)")
SLOGAN_QUOTED = re.compile(r"^[“\"].+[”\"]$")
ROMANIZED = re.compile(r"^[A-Z][A-Z .'&-]*[A-Z]$")
SPONSOR = re.compile(r".+(?:主管主办|主办|主管)$")
PUBLISHER = re.compile(r"^(?:.+出版|Published by .+)$")


@dataclass
class _Piece:
    """A heading, or a run of text lines up to a blank line or a hard line break."""

    text: str
    line: int
    last_line: int
    level: int = 0  # the number of '#' of a heading; 0 for text
    new_block: bool = True  # a blank line (or a heading) comes before it: the break a join may repair
    repairs: tuple[Repair, ...] = ()  # the words made whole where its lines broke them
    line_starts: tuple[int, ...] = ()  # where each of its lines after the first begins in ``text``


def parse_issue(
    path: Path,
    *,
    normalize_punctuation: bool | None = None,
    page_count: int | None = None,
    paper: PaperSettings | None = None,
) -> Issue:
    """The model of the issue at ``path``.

    ``normalize_punctuation`` None means as the front matter or the paper's settings say (on by
    default); ``page_count`` (the command line's) replaces the issue's own for every later stage;
    ``paper`` are the settings of the issue's paper, none unless given.
    """
    text = read_source(path)
    return parse_text(text, path, normalize_punctuation=normalize_punctuation, page_count=page_count, paper=paper)


def parse_text(
    text: str,
    path: Path,
    *,
    normalize_punctuation: bool | None = None,
    page_count: int | None = None,
    paper: PaperSettings | None = None,
) -> Issue:
    """The model of an issue whose source ``text`` was read from ``path`` (for messages and images)."""
    front = read_front_matter(text, path)
    declared = (paper or PaperSettings()).declared(front.values)
    if normalize_punctuation is None:
        normalize_punctuation = declared.get("normalize_punctuation", True)
    # Markdown's strong emphasis (**) is markup, as its headings' # are: not the paper's text
    body_lines = [_without_strong(line) for line in text.split("\n")[front.body_line - 1 :]]
    lines = marked_headings(body_lines, title_declared="title" in declared)
    hyphenation = Hyphenation(declared.get("language") or language_of(lines))
    pieces = _pieces(lines, front.body_line, hyphenation)
    unheaded = _unheaded_pieces(
        body_lines, lines, pieces, front.body_line, hyphenation, title_declared="title" in declared
    )
    title_heading, level = _heading_levels(pieces, path, unheaded=bool(unheaded))
    first = next((i for i, piece in enumerate(pieces) if piece.level == level), len(pieces))
    body = pieces[first:]
    if unheaded:
        # the text under no headline is a story with none: its label is its opening words
        body = [_Piece("", unheaded[0].line, unheaded[0].line, level=level), *unheaded, *body]
    repairs = [repair for piece in body for repair in piece.repairs]
    if normalize_punctuation:
        body = [_normalized(piece, repairs) for piece in body]
    # the masthead's items stand on lines of their own, hard break or not
    masthead_lines = _pieces(lines[: body[0].line - front.body_line], front.body_line)
    kept, source_pages = take_page_markers([*masthead_lines, *body], level, is_metadata_line)
    first_headline = body[0].line
    masthead_lines = [piece for piece in kept if piece.line < first_headline]
    body = [piece for piece in kept if piece.line >= first_headline]
    repairs += [Repair(RepairKind.MARKER, (line,), text, "") for text, line in source_pages.markers]
    masthead = _masthead(masthead_lines, title_heading, declared, front.lines, path)
    issue_date = IssueDate(DateLine(masthead.date, masthead.weekday) if masthead.date else None)
    sections = _sections(body, level, repairs, issue_date)
    sections = _apply_overrides(_with_source_pages(sections, source_pages), front.sections, path)
    masthead = _with_source_findings(masthead, issue_date, source_pages)
    if page_count:
        masthead = dataclasses.replace(masthead, page_count=page_count)
    settings = declared_settings(
        declared, language=language_of(piece.text for piece in body), normalize_punctuation=normalize_punctuation
    )
    if source_pages.names and not settings.page_names:
        names = tuple(source_pages.names.get(page, "") for page in range(1, max(source_pages.names) + 1))
        settings = dataclasses.replace(settings, page_names=names)
    catalogue = declared_catalogue(declared)
    repairs.sort(key=lambda repair: repair.lines)
    issue = Issue(
        source=str(path),
        masthead=masthead,
        sections=tuple(sections),
        repairs=tuple(repairs),
        settings=settings,
        catalogue=catalogue,
    )
    _check_section_pages(issue, path)
    return issue


# ---- reading the text into pieces ----


def _pieces(lines: list[str], first_line: int, hyphenation: Hyphenation | None = None) -> list[_Piece]:
    """The pieces of ``lines`` (numbered from ``first_line``), wrapped lines joined by the rules of
    ``hyphenation``'s language; without it each line is a piece, as it is read."""
    pieces: list[_Piece] = []
    run: list[tuple[int, str]] = []  # the text lines since the last blank line or heading
    for number, raw in enumerate(lines, first_line):
        heading = HEADING.match(raw)
        if raw.strip() and not heading:
            run.append((number, raw))
            continue
        pieces += _run_pieces(run, hyphenation)
        run = []
        if heading:
            pieces.append(_Piece(_heading_text(raw[heading.end() :]), number, number, level=len(heading[1])))
    return pieces + _run_pieces(run, hyphenation)


def _run_pieces(run: list[tuple[int, str]], hyphenation: Hyphenation | None) -> list[_Piece]:
    """The pieces of a run of text lines with no blank line between them (each line one, without ``hyphenation``).

    A piece ends at a hard line break. Where two or more of the run's lines open with an indent, the run
    is paragraphs marked by their first line's indent: each indented line, and each numbered section
    head, begins a piece of its own (without the indent, which is white space: nothing of the text goes).
    Else, where the run's lines look wrapped at a column's width, a clearly shorter line may end its piece
    (``_ends_wrapped_piece``).
    """
    wrap = hyphenation is not None
    indented = wrap and sum(bool(INDENT.match(raw)) for _, raw in run) >= 2
    column = _wrapped_column(run) if wrap and not indented else None
    groups: list[list[tuple[int, str]]] = []
    for number, raw in run:
        previous = groups[-1][-1][1] if groups else None
        if (
            previous is None
            or not wrap
            or previous.endswith(HARD_BREAK)
            or stands_alone(raw.strip())
            or stands_alone(previous.strip())
            or (
                indented
                and (INDENT.match(raw) or _is_numbered_head(raw.strip()) or _is_numbered_head(previous.strip()))
            )
            or (column is not None and _ends_wrapped_piece(previous.strip(), column, opens=len(groups[-1]) == 1))
        ):
            groups.append([])
        groups[-1].append((number, raw))
    return [_joined_piece(group, hyphenation, new_block=index == 0) for index, group in enumerate(groups)]


def _wrapped_column(run: list[tuple[int, str]]) -> float | None:
    """The width of the column the run's lines were wrapped at, if they look wrapped: at least a few of
    them are full (about the column's width), and at least half."""
    widths = sorted(_width(raw) for _, raw in run)
    if not widths:
        return None
    column = widths[int(COLUMN_PERCENTILE * (len(widths) - 1))]
    full = sum(width >= FULL_LINE * column for width in widths)
    wrapped = column >= WRAPPED_MIN_COLUMN and full >= WRAPPED_MIN_FULL_LINES and 2 * full >= len(widths)
    return column if wrapped else None


def _ends_wrapped_piece(line: str, column: float, *, opens: bool) -> bool:
    """Whether ``line`` of wrapped text ends its piece: a line clearly shorter than the ``column`` that ends
    a sentence, or that ``opens`` its piece and does not stop mid-sentence (a display line: a subhead, a
    byline). A full line runs on, whatever it ends with: the column's width, not the writer, ended it."""
    if _width(line) >= FULL_LINE * column:
        return False
    return bool(PARAGRAPH_END.search(line)) or (opens and not MID_SENTENCE.search(line) and not _opens_story(line))


def _opens_story(line: str) -> bool:
    """Whether ``line`` opens with a dateline and goes on (SAN FRANCISCO, August 2. The): a story's first
    line, shorter than the column for its capitals, never a display line of its own."""
    opening = dateline(line)
    return opening is not None and bool(line[len(opening) :].strip())


def _joined_piece(group: list[tuple[int, str]], hyphenation: Hyphenation | None, *, new_block: bool) -> _Piece:
    """The piece of a group of wrapped lines: Chinese runs on without a space, Latin words need one, and a
    word a line's end broke after a hyphen is made whole where ``hyphenation`` says (a HYPHEN repair)."""
    repairs: list[Repair] = []
    parts: list[str] = []  # the lines, each after its joint; joined once at the end, as a paragraph may be long
    starts: list[int] = []
    length = 0  # of the parts so far
    for index, (number, raw) in enumerate(group):
        line = raw.strip()
        if hyphenation is not None:
            line, joins = hyphenation.rejoined_inside(line)
            repairs += [Repair(RepairKind.HYPHEN, (number,), before, after) for before, after in joins]
        if not parts:
            parts.append(line)
            length = len(line)
            continue
        start, end = parts[-1].rsplit(maxsplit=1)[-1], line.split(maxsplit=1)[0]
        if hyphenation is not None and BROKEN_START.match(start) and BROKEN_END.match(end):
            if word := hyphenation.rejoined(start, end):
                repairs.append(Repair(RepairKind.HYPHEN, (group[index - 1][0], number), f"{start} {end}", word))
                parts[-1], line = parts[-1][: -len(start)] + word, line[len(end) :]
                length += len(word) - len(start)
                starts.append(length - len(end))  # the line begins inside the word made whole
            else:
                starts.append(length)
            if line:
                parts.append(line)  # a hyphen kept is the word's own: New-York, not New- York
                length += len(line)
        else:
            joint = "" if CHINESE.match(parts[-1][-1]) or CHINESE.match(line[0]) else " "
            parts.append(f"{joint}{line}")
            starts.append(length + len(joint))
            length += len(joint) + len(line)
    return _Piece(
        "".join(parts),
        group[0][0],
        group[-1][0],
        new_block=new_block,
        repairs=tuple(repairs),
        line_starts=tuple(starts),
    )


def _heading_text(rest: str) -> str:
    """A heading's text: the line after its marks, less a closing run of marks set off by a space."""
    text = rest.strip()
    unmarked = text.rstrip("#")
    return unmarked.rstrip() if unmarked != text and unmarked[-1:].isspace() else text


def _without_strong(line: str) -> str:
    """The line less Markdown's strong-emphasis marks, unless it is a thematic break (***), a page's end."""
    return line if THEMATIC_BREAK.match(line.strip()) else line.replace(STRONG, "")


def _unheaded_pieces(
    source: list[str],
    lines: list[str],
    pieces: list[_Piece],
    first_line: int,
    hyphenation: Hyphenation,
    *,
    title_declared: bool,
) -> list[_Piece]:
    """The pieces of the text under no headline, after the masthead, in a ``source`` that marks no headings
    of its own (``bare_headings.unheaded_start``), read from its ``lines`` with the headlines marked (into
    ``pieces``). A text with no headline at all is read so only when it is OCR's (``_reads_as_ocr``):
    any other must mark its headings."""
    start = unheaded_start(source, title_declared=title_declared)
    if start is None:
        return []
    line = first_line + start
    end = next((piece.line for piece in pieces if piece.level and piece.line >= line), first_line + len(lines))
    under_none = lines[start : end - first_line]
    if end == first_line + len(lines) and not _reads_as_ocr(under_none, line):
        return []
    return _pieces(under_none, line, hyphenation)


def _reads_as_ocr(lines: list[str], first_line: int) -> bool:
    """Whether ``lines`` read as OCR's text of a page: lines that look wrapped at a column's width, or a
    run of many lines with no blank line between them (narrow columns, a printed line a line)."""
    run = [(number, raw) for number, raw in enumerate(lines, first_line) if raw.strip()]
    longest = current = 0
    for raw in lines:
        current = current + 1 if raw.strip() else 0
        longest = max(longest, current)
    return longest >= OCR_MIN_LINES or _wrapped_column(run) is not None


def _heading_levels(pieces: list[_Piece], path: Path, *, unheaded: bool = False) -> tuple[_Piece | None, int]:
    """The paper's title heading (a lone heading above all others, if any) and the section headings'
    level; with none in a text read as ``unheaded`` (a story under no headline), no title and level 2."""
    headings = [piece for piece in pieces if piece.level]
    if not headings and unheaded:
        return None, 2
    if not headings:
        raise SourceError(
            "no headings found", path=path, hint="mark the paper's title with '# ' and each headline with '## '"
        )
    if empty := next((h for h in headings if not h.text), None):
        raise SourceError(
            "a heading has no text", path=path, line=empty.line, hint="write the headline after the '#' marks"
        )
    top = min(h.level for h in headings)
    if len(headings) > 1 and headings[0].level == top and sum(h.level == top for h in headings) == 1:
        return headings[0], min(h.level for h in headings[1:])
    return None, top


def _width(text: str) -> float:
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text if not c.isspace())


def _fits(text: str, width: float) -> bool:
    """Whether ``text`` is at most ``width`` ems wide. It stops reading once past the width: every
    paragraph is tested for a display line, and that must cost a display line's length, not the paragraph's."""
    total = 0.0
    for char in text:
        if not char.isspace():
            total += 1 if unicodedata.east_asian_width(char) in "WF" else 0.5
            if total > width:
                return False
    return True


# ---- punctuation ----

HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
HALF_WIDTH = re.compile("[" + re.escape("".join(HALF_TO_FULL)) + "]")


def full_width_punctuation(text: str) -> str:
    """``text`` with half-width , ( ) : ; ? ! made full width where they touch Chinese text.

    A mark between two digits (1,000 or 10:30) and marks inside Latin runs (www.ztnews.net) stay.
    A bracket pair changes as a pair, when it follows or holds Chinese text: 县(市、区) -> 县（市、区）.
    """
    changes: dict[int, str] = {}  # index -> full-width mark; a list of every character would be many times the text
    for match in re.finditer(r"\(([^()]*)\)", text):
        if CHINESE.search(match[1]) or _chinese_beside(text, match.start(), -1):
            changes[match.start()], changes[match.end() - 1] = "（", "）"
    for match in HALF_WIDTH.finditer(text):
        index = match.start()
        if (
            index not in changes
            and not _between_digits(text, index)
            and (_chinese_beside(text, index, -1) or _chinese_beside(text, index, 1))
        ):
            changes[index] = HALF_TO_FULL[match[0]]
    parts, start = [], 0
    for index in sorted(changes):
        parts += [text[start:index], changes[index]]
        start = index + 1
    return "".join(parts) + text[start:]


def _chinese_beside(text: str, index: int, step: int) -> bool:
    """Whether the first character beside ``index`` (looking past quotes) is Chinese."""
    index += step
    while 0 <= index < len(text) and text[index] in QUOTES:
        index += step
    return 0 <= index < len(text) and bool(CHINESE.match(text[index]))


def _between_digits(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and text[index - 1].isdigit() and text[index + 1].isdigit()


def _normalized(piece: _Piece, repairs: list[Repair]) -> _Piece:
    after = full_width_punctuation(piece.text)
    if after == piece.text:
        return piece
    repairs.append(Repair(RepairKind.PUNCTUATION, tuple(range(piece.line, piece.last_line + 1)), piece.text, after))
    return dataclasses.replace(piece, text=after)


# ---- the masthead ----


def _masthead(
    pieces: list[_Piece],
    title_heading: _Piece | None,
    declared: dict[str, Any],
    front_lines: dict[str, int],
    path: Path,
) -> Masthead:
    """The masthead read from ``pieces``, under what the front matter and the paper's settings declare
    (``declared``); ``lines`` keeps the source line of each field the source gives, the front matter's
    line of each it declares (``front_lines``), and none for a field from the paper's settings."""
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    furniture: list[tuple[str, int]] = []
    texts = [piece for piece in pieces if title_heading is None or piece.line != title_heading.line]
    if title_heading is not None:
        values["title"], lines["title"] = title_heading.text, title_heading.line
    elif texts and "title" not in declared:
        values["title"], lines["title"] = texts[0].text, texts[0].line
        texts = texts[1:]
    for piece in texts:
        if "date" not in values and (date := read_date_line(piece.text)):
            # a line that is a date in any form (一九五〇年三月五日, OCR's FEBRUARY 171824), kept as furniture
            # too when the masthead prints the date otherwise
            values["date"], lines["date"] = date.iso, piece.line
            if date.weekday and "weekday" not in values:
                values["weekday"], lines["weekday"] = date.weekday, piece.line
            if not date.prints_as_written(piece.text):
                furniture.append((piece.text, piece.line))
            continue
        leftovers = take_masthead_fields(piece.text, piece.line, values, lines)
        title = declared.get("title") or values.get("title", "")
        if leftovers == [piece.text] and (field := _masthead_line_field(piece.text, title, values)):
            values[field], lines[field] = piece.text, piece.line
        elif not _dates_as_printed(piece, values, lines):
            # TONOPAH, NEVADA, WEDNESDAY EVENING, AUGUST 2. 1916: the masthead prints its date and weekday in
            # its own form, so the line is kept whole among the furniture, and none of it is lost
            furniture.append((piece.text, piece.line))
        else:
            furniture.extend((text, piece.line) for text in leftovers)
    for key in dataclasses.fields(Masthead):
        if key.name in declared:
            values[key.name] = declared[key.name]
            lines.pop(key.name, None)
            if key.name in front_lines:
                lines[key.name] = front_lines[key.name]
    if title_heading is not None and values["title"] != title_heading.text:
        # the text's own title, replaced by a declared one, stays with the furniture: nothing of the text is lost
        furniture = sorted([*furniture, (title_heading.text, title_heading.line)], key=lambda item: item[1])
    if "title" not in values:
        raise SourceError(
            "the paper has no title",
            path=path,
            hint="put a '# <title>' line above the first headline, or set 'title:' in the front matter "
            "or in a paper.yaml in the issue's folder or a folder above it",
        )
    return Masthead(
        **values, furniture=tuple(t for t, _ in furniture), furniture_lines=tuple(n for _, n in furniture), lines=lines
    )


def _masthead_line_field(text: str, title: str, values: dict[str, Any]) -> str | None:
    """The masthead field a whole line is, by its shape, if that field is still empty."""
    candidates = (
        ("title_romanized", bool(ROMANIZED.match(text)) and not title.isascii()),
        ("sponsor", bool(SPONSOR.match(text))),
        ("publisher", bool(PUBLISHER.match(text))),
        ("slogan", _is_slogan(text)),
    )
    return next((name for name, fits in candidates if fits and name not in values), None)


def _is_slogan(text: str) -> bool:
    """Two or more Chinese phrases of the same length side by side, or a line in quotes."""
    phrases = text.split()
    parallel = (
        len(phrases) > 1
        and len({len(p) for p in phrases}) == 1
        and len(phrases[0]) >= 4
        and all(re.fullmatch(f"[{HAN}]+", p) for p in phrases)
    )
    return parallel or bool(SLOGAN_QUOTED.match(text))


# ---- sections ----


def _sections(pieces: list[_Piece], level: int, repairs: list[Repair], issue_date: IssueDate) -> list[Section]:
    # a numbered head marked as a headline heads a part of the story above it, not a story of its own
    starts = [i for i, p in enumerate(pieces) if p.level == level and not (i and _is_numbered_head_piece(p))]
    starts.append(len(pieces))
    bodies = [pieces[start + 1 : end] for start, end in zip(starts, starts[1:])]
    display: list[tuple[_Piece | None, _Piece | None]] = [(None, None)]
    for body in bodies[:-1]:
        display.append(_take_display_lines(body))
    sections = [
        _section(pieces[start], body, kicker, overline, level, repairs, issue_date)
        for start, body, (kicker, overline) in zip(starts, bodies, display)
    ]
    lead = next((i for i, s in enumerate(sections) if s.kind is SectionKind.STORY), None)
    if lead is not None:
        sections[lead] = dataclasses.replace(sections[lead], lead=True)
    return sections


def _is_display(piece: _Piece, width: float) -> bool:
    """A short line that is not a sentence: a headline's companion or a subhead."""
    return not piece.level and piece.line == piece.last_line and _is_display_text(piece.text, width)


def _is_numbered_head(text: str) -> bool:
    """A numbered section head (一、… （一）… II. … 1. …): a display line opening with a section's number."""
    return bool(NUMBERED_HEAD.match(text)) and _is_display_text(text, NUMBERED_HEAD_WIDTH)


def _is_numbered_head_piece(piece: _Piece) -> bool:
    return piece.line == piece.last_line and _is_numbered_head(piece.text)


def _is_display_text(text: str, width: float) -> bool:
    return (
        _fits(text, width)
        and not STOP.search(text)
        and not MID_SENTENCE.search(text)
        and not COLON_END.search(text)
        and not CREDIT.match(text)
        and not JUMP.match(text)
        and not BYLINE.match(text)
        and not is_signature(text)
    )


def _take_display_lines(body: list[_Piece]) -> tuple[_Piece | None, _Piece | None]:
    """Pop the kicker and overline that end ``body`` because they stand above the next headline."""
    if len(body) < 2 or not body[-1].new_block or not _is_display(body[-1], OVERLINE_WIDTH):
        return None, None
    overline = body.pop()
    if len(body) < 2 or not body[-1].new_block or not _is_display(body[-1], KICKER_WIDTH):
        return None, overline
    return body.pop(), overline


def _section(
    heading: _Piece,
    body: list[_Piece],
    kicker: _Piece | None,
    overline: _Piece | None,
    level: int,
    repairs: list[Repair],
    issue_date: IssueDate,
) -> Section:
    fields: dict[str, Any] = {}
    lines = {"headline": heading.line}

    def take(name: str, piece: _Piece, text: str | None = None) -> None:
        fields[name], lines[name] = piece.text if text is None else text, piece.line

    for name, piece in (("kicker", kicker), ("overline", overline)):
        if piece is not None:
            take(name, piece)
    rest = list(body)
    if rest and (rest[0].level > level or (not rest[0].level and SUBHEADLINE.match(rest[0].text))):
        deck = rest.pop(0)
        text, last_line = deck.text, deck.line
        while rest and _continues_deck(text, last_line, rest[0], level):
            text, last_line = f"{text} {rest[0].text}", rest.pop(0).line
        take("subheadline", deck, text)
    decks = _decks(heading, fields, lines)
    _take_leading_lines(rest, decks, fields, lines, repairs, issue_date)
    if rest and not rest[-1].level and CREDIT.match(rest[-1].text) and _fits(rest[-1].text, CREDIT_WIDTH):
        take("credit", rest.pop())
    blocks = _blocks(rest, repairs)
    if (
        "byline" not in fields
        and blocks
        and blocks[0].role is BlockRole.PARAGRAPH
        and (opening := dateline(blocks[0].text))
        and blocks[0].text[len(opening) :].strip()
    ):
        fields["byline"], lines["byline"] = opening, blocks[0].line
        blocks[0] = _without_opening(blocks[0], opening)
    if (
        "byline" not in fields
        and len(blocks) > 1
        and blocks[-1].role is BlockRole.PARAGRAPH
        and is_signature(blocks[-1].text)
    ):
        # a signature after the last paragraph names the writers, as a byline does above the first
        fields["byline"], lines["byline"] = blocks[-1].text, blocks[-1].line
        blocks.pop()
    kind = _kind(fields, blocks)
    if kind is SectionKind.PHOTO:
        fields["caption"], lines["caption"] = blocks[0].text, blocks[0].line
        blocks = []
    return Section(
        kind=kind,
        headline=decks.headline,
        line=heading.line,
        blocks=tuple(_mark_run_ins(blocks)),
        lines=lines,
        **fields,
    )


def _decks(heading: _Piece, fields: dict[str, Any], lines: dict[str, int]) -> Decks:
    """The headline's decks (``decks``): a headline line of decks fills the overline and subheadline
    the lines around it have not filled; the decks as set, whichever lines gave them."""
    decks = split_decks(heading.text)
    if (decks.overline and "overline" in fields) or (decks.subheadline and "subheadline" in fields):
        decks = Decks(heading.text)  # the lines around the headline give its decks: this line is one deck
    for name in ("overline", "subheadline"):
        if deck := getattr(decks, name):
            fields[name], lines[name] = deck, heading.line
    return Decks(decks.headline, fields.get("overline"), fields.get("subheadline"))


def _take_leading_lines(
    rest: list[_Piece],
    decks: Decks,
    fields: dict[str, Any],
    lines: dict[str, int],
    repairs: list[Repair],
    issue_date: IssueDate,
) -> None:
    """Take from the start of ``rest`` the short lines an archive keeps under a headline (a date line,
    a column line, an author line, a byline: see ``metadata_lines``) into ``fields``, and a repeat of
    the headline's decks (a REPEAT repair: the decks are printed once, in the heading)."""
    taken: set[str] = set()
    repeated = False
    while rest and not rest[0].level:
        if not repeated and (count := repeated_lines(decks, [piece.text for piece in rest])):
            repeat = rest[:count]
            numbers = tuple(n for piece in repeat for n in range(piece.line, piece.last_line + 1))
            repairs.append(Repair(RepairKind.REPEAT, numbers, "\n".join(piece.text for piece in repeat), ""))
            del rest[:count]
            repeated = True
            continue
        piece = rest[0]
        byline = bool(BYLINE.match(piece.text)) and _fits(piece.text, BYLINE_WIDTH) and not STOP.search(piece.text)
        found = metadata_line(piece.text, taken | set(fields), issue_date, piece.line, byline=byline)
        if found is None or piece.line != piece.last_line:
            return
        if found.field == "label":
            repairs.append(Repair(RepairKind.LABEL, (piece.line,), piece.text, ""))
        elif found.field == "date":  # the masthead prints the issue's date; the notes quote the line
            repairs.append(Repair(RepairKind.DATE_LINE, (piece.line,), piece.text, ""))
        else:
            fields[found.field], lines[found.field] = piece.text, piece.line
        taken.add(found.field)
        rest.pop(0)


def _with_source_pages(sections: list[Section], pages: SourcePages) -> list[Section]:
    """Each section on the page the source's page lines and markers put it on."""
    placed = []
    for section in sections:
        if found := pages.by_heading.get(section.line):
            page, line = found
            section = dataclasses.replace(section, page=page, lines={**section.lines, "page": line})
        placed.append(section)
    return placed


def _with_source_findings(masthead: Masthead, issue_date: IssueDate, pages: SourcePages) -> Masthead:
    """The masthead with what the text below it says of the issue, where the masthead says nothing:
    the date of the date lines (kept as written among the furniture too when the masthead cannot print
    it so) and the page count of the highest page the page lines and markers name."""
    values: dict[str, Any] = {}
    lines = dict(masthead.lines)
    if masthead.date is None and issue_date.date is not None and issue_date.line is not None:
        values["date"], lines["date"] = issue_date.date.iso, issue_date.line
        if masthead.weekday is None and issue_date.date.weekday:
            values["weekday"], lines["weekday"] = issue_date.date.weekday, issue_date.line
    if masthead.page_count is None and pages.highest:
        values["page_count"] = pages.highest
    return dataclasses.replace(masthead, **values, lines=lines) if values else masthead


def _dates_as_printed(piece: _Piece, values: dict[str, Any], lines: dict[str, int]) -> bool:
    """Whether the date and weekday ``piece`` gave the masthead (if any) are written as the masthead prints
    them, so the rest of the line is all the furniture need keep."""
    date = values.get("date") if lines.get("date") == piece.line else None
    weekday = values.get("weekday") if lines.get("weekday") == piece.line else None
    text = re.sub(r"\s+", "", piece.text)
    return (date is None or any(re.sub(r"\s+", "", form) in text for form in printed_forms(date))) and (
        weekday is None or weekday in piece.text
    )


def _kind(fields: dict[str, Any], blocks: list[Block]) -> SectionKind:
    subheads = sum(block.role is BlockRole.SUBHEAD for block in blocks)
    if "credit" in fields and len(blocks) == 1 and not subheads:
        return SectionKind.PHOTO
    if "author" in fields:
        return SectionKind.COMMENTARY
    return SectionKind.FEATURE if subheads >= 2 else SectionKind.STORY


def _blocks(pieces: list[_Piece], repairs: list[Repair]) -> list[Block]:
    blocks: list[Block] = []
    for index, piece in enumerate(pieces):
        previous = blocks[-1] if blocks else None
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        if JUMP.match(piece.text):
            # the original edition's page numbers mean nothing in the reissue, which sets its own
            repairs.append(Repair(RepairKind.JUMP, tuple(range(piece.line, piece.last_line + 1)), piece.text, ""))
        elif previous and previous.role is BlockRole.PARAGRAPH and _continues(previous.text, piece):
            blocks[-1] = _join(previous, piece, repairs)
        elif (
            piece.level
            or _is_numbered_head_piece(piece)
            or (_is_display(piece, SUBHEAD_WIDTH) and _introduces_text(following))
        ):
            blocks.append(
                Block(piece.text, piece.line, piece.last_line, role=BlockRole.SUBHEAD, line_starts=piece.line_starts)
            )
        else:
            blocks.append(Block(piece.text, piece.line, piece.last_line, line_starts=piece.line_starts))
    return blocks


def _continues_deck(text: str, last_line: int, piece: _Piece, level: int) -> bool:
    """Whether ``piece`` is the next line of the deck ``text`` (its last line ``last_line``), a deck set in
    capitals over lines one under another (KAISER PLEDGES HIS WORD NOT / TO INTERFERE WITH FOOD /
    SUPPLIES) that has not ended (a deck ending in a stop is one of several: LATEST FROM EUROPE.)."""
    return (
        piece.level > level
        and piece.line == last_line + 1
        and bool(CAPITALS.match(text) and CAPITALS.match(piece.text))
        and not PARAGRAPH_END.search(text)
    )


def _introduces_text(following: _Piece | None) -> bool:
    """Whether a display line over ``following`` is a subhead: text follows it. A display line over another
    is a line of a list (a price list, a table of contents, verse), set as the source sets it, not a head."""
    return following is not None and not following.level and not _is_display(following, SUBHEAD_WIDTH)


def _continues(text: str, piece: _Piece) -> bool:
    """Whether ``piece`` carries on the paragraph ``text``, cut by a column break (a blank line)."""
    if (
        not piece.new_block
        or piece.level
        or _is_numbered_head_piece(piece)
        or PARAGRAPH_END.search(text)
        or COLON_END.search(text)
        or JUMP.match(text)
        or JUMP.match(piece.text)
    ):
        return False
    if MID_SENTENCE.search(text):
        return True
    if CHINESE.match(text[-1]):
        return not _fits(text, SUBHEAD_WIDTH)  # a short line without a stop is a subhead, not a cut paragraph
    return piece.text[0].islower()


def _without_opening(block: Block, opening: str) -> Block:
    """``block`` less the ``opening`` (a dateline) its text begins with, its lines' starts moved with it."""
    text = block.text[len(opening) :].lstrip()
    cut = len(block.text) - len(text)
    return dataclasses.replace(block, text=text, line_starts=tuple(s - cut for s in block.line_starts if s > cut))


def _join(block: Block, piece: _Piece, repairs: list[Repair]) -> Block:
    cut = 16
    joint = "" if CHINESE.match(block.text[-1]) or CHINESE.match(piece.text[0]) else " "
    before, after = block.text[-cut:], piece.text[:cut]
    repairs.append(
        Repair(RepairKind.JOIN, (block.last_line, piece.line), f"{before}\n\n{after}", f"{before}{joint}{after}")
    )
    offset = len(block.text) + len(joint)
    starts = (*block.line_starts, offset, *(offset + start for start in piece.line_starts))
    return dataclasses.replace(
        block, text=f"{block.text}{joint}{piece.text}", last_line=piece.last_line, line_starts=starts
    )


def _mark_run_ins(blocks: list[Block]) -> list[Block]:
    """Mark the run-in heads of each series of sibling paragraphs opening with sentences of one shape."""
    heads = [_run_in_candidate(block) for block in blocks]
    marked = list(blocks)
    start = 0
    while start < len(blocks):
        end = start + 1
        first = heads[start]
        while first and end < len(blocks) and (head := heads[end]) and _shape(head) == _shape(first):
            end += 1
        series = heads[start:end]
        widths = [_width(head) for head in series if head]
        if len(widths) >= 2 and max(widths) <= RUN_IN_SPREAD * min(widths):
            for index in range(start, end):
                marked[index] = dataclasses.replace(blocks[index], run_in=heads[index])
        start = end
    return marked


def _run_in_candidate(block: Block) -> str | None:
    if block.role is not BlockRole.PARAGRAPH or not (match := FIRST_SENTENCE.match(block.text)):
        return None
    head = match[0]
    return head if _fits(head, RUN_IN_WIDTH) and _width(head) >= 4 and block.text[len(head) :].strip() else None


def _shape(head: str) -> str:
    """A sentence's punctuation, in order: 厘清发展思路，工业发展重点突出。 -> ，。"""
    return "".join(c for c in head if unicodedata.category(c).startswith("P"))


# ---- the front matter's section overrides ----


def _apply_overrides(sections: list[Section], overrides: tuple[SectionOverride, ...], path: Path) -> list[Section]:
    for override in overrides:
        index = next((i for i, s in enumerate(sections) if _same_headline(s.headline, override.headline)), None)
        if index is None:
            raise SourceError(
                f"no section has the headline {quoted(override.headline)}",
                path=path,
                line=override.line,
                hint="copy the headline as 'reissue inspect' shows it",
            )
        values = dict(override.values)
        if "kind" in values:
            values["kind"] = SectionKind(values["kind"])
        if values.get("lead"):
            sections = [dataclasses.replace(s, lead=False) for s in sections]
        lines = {**sections[index].lines, **override.lines}
        sections[index] = dataclasses.replace(sections[index], **values, lines=lines)
    return sections


def _check_section_pages(issue: Issue, path: Path) -> None:
    """A section the front matter puts on a page must find that page in the issue."""
    for section in issue.sections:
        if section.page is not None and issue.page_count and section.page > issue.page_count:
            raise SourceError(
                f"section {quoted(section.headline)} is put on page {section.page}; "
                f"the issue's last page is {issue.page_count}",
                path=path,
                line=section.lines.get("page", section.line),
                hint=f"give a page from 1 to {issue.page_count}, or more pages (page_count, --pages)",
            )


def _same_headline(a: str, b: str) -> bool:
    """Headlines match whatever their spaces and punctuation widths (the text may have been normalised)."""

    def key(text: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))

    return key(a) == key(b)
