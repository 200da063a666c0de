"""Page planning and fitting: an issue, a style and a paper in; a ``Plan`` of every page out.

A page is a grid: the style's columns across, rows of the body's line height down. Every line of
body text is typeset here with the fonts' real advances (``typeset``), so each section's depth is
known exactly without rendering. The front page takes the masthead and the top of the issue (the
lead, the next stories, the first photo), each text story in the rows it is allotted, the rest
jumping inside; the inside pages take the continuations, then the other sections, in reading order,
each cut where a page ends and continued on the next. The fitter tries body sizes, leadings and
photo depths within the style's bounds and keeps the plan that leaves the least blank space on
exactly the issue's page count; when nothing fits, a ``FitError`` says how much is left over.
Each body line knows where it begins in its section's text, so the plan can tell the e-book where
each page's part of a story begins (``Plan.page_parts``).
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from layout.display import display_lines
from layout.errors import FitError
from layout.model import MAX_PAGES, BlockRole, Issue, PagePart, Section, SectionKind, TextPosition, phrases
from layout.style import Bounds, Paper, Style
from layout.typeset import Line, Run, Typesetter, line_starts

log = logging.getLogger(__name__)

LINE_OPENING = 6  # characters of a source line that must stand together before a page ends (a line's opening)
MIN_BODY_ROWS = 3  # fewer rows of a story at the foot of a page read as a mistake: start it on the next page
MAX_PARAGRAPH_AIR = 0.6  # rows of air a stretched column may put above each paragraph
UNDERFULL = 0.25  # a page with more of its rows blank is reported: the issue has too little for its pages
BLANK_TOLERANCE = 2  # rows per page a plan may leave blank (spread between the page's sections)
OFF_ITS_PAGE = 0.5  # what a story set (wholly or in part) off the page its source names costs, in blank pages


@dataclass(frozen=True)
class Row:
    """One row of a column: a typeset line of some kind, or a jump line (``line`` is None)."""

    kind: str  # text | subhead | byline | caption | credit | jump-to | jump-from
    line: Line | None = None
    space_before: float = 0.0  # pt of air above a paragraph, when a lone story is stretched to fill its page
    # where the line begins in its section's body (the e-book cuts its pages there); a byline belongs
    # to the heading, so its rows stand at the body's beginning; None for a caption's and a jump's rows
    start: TextPosition | None = None
    # which paragraph of its section the row sets (byline, blocks, caption, credit, counted from 0); the
    # print edition makes one element of each paragraph's rows, whichever columns and lines they fill
    paragraph: int | None = None
    # False where a page ending before the row would split the opening words of one of the source's lines
    page_may_end_before: bool = True

    @property
    def starts_paragraph(self) -> bool:
        return self.kind == "subhead" or bool(self.line and self.line.indent)


@dataclass(frozen=True)
class Geometry:
    paper: Paper
    columns: int
    gutter: float
    column_width: float
    body_size: float
    line_height: float
    caption_size: float
    caption_line_height: float
    masthead_height: float
    folio_height: float
    front_rows: int
    inside_rows: int

    @property
    def content_width(self) -> float:
        return self.paper.width - 2 * self.paper.margin

    def span_width(self, columns: int) -> float:
        return columns * self.column_width + (columns - 1) * self.gutter


@dataclass(frozen=True)
class Head:
    """A section's headline block as planned: its depth in rows and the headline's size and lines."""

    rows: int
    size: float
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Piece:
    """The part of one section that stands on one page, at its place on the page's grid."""

    section: int  # index into issue.sections
    part: int  # 0 for the start, 1.. for continuations
    head: Head
    columns: tuple[tuple[Row, ...], ...]  # body rows per column (a photo: its caption, one column)
    body_rows: int  # depth below the head: the columns' depth, or the photo's frame and caption
    row: int  # first grid row (0-based), below any blank space the page's slack put above
    column: int  # first grid column (0-based)
    span: int  # columns across
    photo_rows: int = 0  # a photo's frame depth
    continued_from: int | None = None
    continued_to: int | None = None

    @property
    def rows(self) -> int:
        return self.head.rows + self.body_rows

    @property
    def start(self) -> TextPosition:
        """Where this piece's text begins in its section's body: a section's first piece holds all
        that stands above the body too, so it begins at the body's beginning."""
        starts = (row.start for column in self.columns for row in column if row.start is not None)
        return next(starts, TextPosition(0)) if self.part else TextPosition(0)

    @property
    def bottom(self) -> int:
        return self.row + self.rows


@dataclass(frozen=True)
class Module:
    """A rectangle of a page that reads as one block: a story, a photo, a commentary, or a group of briefs."""

    pieces: tuple[Piece, ...]

    @property
    def row(self) -> int:
        return min(piece.row for piece in self.pieces)

    @property
    def column(self) -> int:
        return min(piece.column for piece in self.pieces)

    @property
    def span(self) -> int:
        return max(piece.column + piece.span for piece in self.pieces) - self.column

    @property
    def rows(self) -> int:
        return max(piece.bottom for piece in self.pieces) - self.row


@dataclass(frozen=True)
class Page:
    number: int
    name: str
    front: bool
    rows: int  # rows on the page's grid
    pieces: tuple[Piece, ...]

    def modules(self) -> tuple[Module, ...]:
        """The page's modules in reading order: each piece stands as a module of its own."""
        return tuple(Module((piece,)) for piece in self.pieces)

    @property
    def free_rows(self) -> int:
        """Rows under the lowest piece: what may be spread between the page's bands."""
        return self.rows - max((p.bottom for p in self.pieces), default=0)

    @property
    def blank_rows(self) -> float:
        """Rows left blank at the foot of the page's columns, on average over its columns."""
        if not self.pieces:
            return float(self.rows)
        width = max(p.column + p.span for p in self.pieces)
        bottoms = [
            max((p.bottom for p in self.pieces if p.column <= c < p.column + p.span), default=0) for c in range(width)
        ]
        return sum(self.rows - b for b in bottoms) / width


@dataclass(frozen=True)
class Plan:
    geometry: Geometry
    pages: tuple[Page, ...]

    def page_sections(self) -> tuple[tuple[int, ...], ...]:
        """The sections that stand on each page (begin there or go on), in reading order."""
        return tuple(tuple(sorted({piece.section for piece in page.pieces})) for page in self.pages)

    def page_parts(self) -> tuple[tuple[PagePart, ...], ...]:
        """What of each section each page holds, in reading order, and where its text begins."""
        return tuple(
            tuple(
                PagePart(piece.section, piece.part, piece.start)
                for piece in sorted(page.pieces, key=lambda piece: (piece.section, piece.part))
            )
            for page in self.pages
        )


@dataclass(frozen=True)
class _Item:
    """A section, or what is left of it, waiting for a place."""

    section: int
    rows: list[Row]  # body rows still to place (empty for a photo)
    rank: str  # lead | story | commentary | photo: which headline size
    part: int = 0
    photo: bool = False

    def rest(self, taken: int, rows: list[Row]) -> _Item:
        """What is left after a page took ``taken`` of ``rows`` (this part's rows as placed)."""
        return _Item(self.section, rows[taken:], self.rank, self.part + 1)


class _NoFit(Exception):
    """This candidate's front page cannot hold the top of the issue: try another."""


def plan_issue(issue: Issue, style: Style, paper: Paper, page_count: int) -> Plan:
    """The fullest plan of ``issue`` on exactly ``page_count`` pages, or a ``FitError``: within the style's
    bounds, else within its dense preset's."""
    try:
        return _fit(issue, style, paper, page_count)
    except FitError:
        dense = style.densest()
        if dense is None:
            raise
        plan = _fit(issue, dense, paper, page_count)
        log.info("%s: set with the style's dense preset (%gpt body)", issue.source, plan.geometry.body_size)
        return plan


def pages_filled(issue: Issue, style: Style, paper: Paper) -> int:
    """How many pages the issue's content fills at the style's preferred body size and its most open
    leading: the page count of an issue that names none."""
    size = style.body_size.preferred or style.body_size.max
    typesetter = Typesetter.for_faces(style.body_faces, issue.settings.language)
    measure = _Measure(issue, _geometry(style, paper, size, style.leading.max), style, typesetter, {})
    for photo_rows in _photo_depths(style, measure.geometry):
        try:
            pages, _ = _flow(measure, None, photo_rows)
        except _NoFit:
            continue
        return len(pages)
    return MAX_PAGES


def _fit(issue: Issue, style: Style, paper: Paper, page_count: int) -> Plan:
    typesetter = Typesetter.for_faces(style.body_faces, issue.settings.language)
    smallest = _geometry(style, paper, style.body_size.min, style.leading.min)
    overflows = [overflow for overflow, _ in _tries(_Measure(issue, smallest, style, typesetter, {}), page_count)]
    if overflows and all(overflows):  # the smallest type holds the most: no larger size fits either
        raise _overflow_error(issue, style, paper, page_count, min(overflows))
    best: tuple[float, Plan] | None = None
    least_overflow: int | None = None
    for size in _steps(style.body_size):
        bodies: dict[int, list[Row]] = {}  # the body lines depend on the size, not on the leading
        for leading in _steps(style.leading):
            measure = _Measure(issue, _geometry(style, paper, size, leading), style, typesetter, bodies)
            for overflow, pages in _tries(measure, page_count):
                if overflow:
                    least_overflow = overflow if least_overflow is None else min(least_overflow, overflow)
                    continue
                score = _blankness(pages, issue)
                if best is None or score < best[0] - 1e-9:
                    best = (
                        score,
                        Plan(measure.geometry, _spread_slack(_link_jumps(pages), measure.geometry.line_height)),
                    )
        if best is not None and best[0] <= BLANK_TOLERANCE / measure.geometry.inside_rows:
            break  # sizes go from large to small: the first full plan is the most readable one
    if best is None and least_overflow is None:
        raise FitError(
            f"the front page of {paper.name} cannot hold the masthead and the top of the issue "
            f"(the lead, the next story and the photo) even at the style's smallest sizes",
            path=issue.source,
            hint="give a larger paper (--paper) or a style with smaller type",
        )
    if best is None:
        assert least_overflow is not None  # every candidate overflowed
        raise _overflow_error(issue, style, paper, page_count, least_overflow)
    plan = best[1]
    empty = [page.number for page in plan.pages if page.blank_rows > UNDERFULL * page.rows]
    if empty:
        log.warning(
            "%s: even at the largest body size (%gpt) the content leaves page(s) %s largely blank; "
            "give fewer pages (--pages) or a smaller paper (--paper)",
            issue.source,
            plan.geometry.body_size,
            ", ".join(map(str, empty)),
        )
    return plan


def _tries(measure: _Measure, page_count: int) -> Iterator[tuple[int, list[Page]]]:
    """The pages of each photo depth whose front page holds the top of the issue, and their overflow."""
    for photo_rows in _photo_depths(measure.style, measure.geometry):
        try:
            pages, overflow = _flow(measure, page_count, photo_rows)
        except _NoFit:
            continue
        yield overflow, pages


def _overflow_error(issue: Issue, style: Style, paper: Paper, page_count: int, rows: int) -> FitError:
    geometry = _geometry(style, paper, style.body_size.min, style.leading.min)
    chars = rows * geometry.columns * int(geometry.column_width // geometry.body_size)
    return FitError(
        f"the content needs about {rows} more rows (about {chars} characters) than {page_count} pages "
        f"of {paper.name} hold at the style's smallest body size ({style.body_size.min:g}pt)",
        path=issue.source,
        hint="give more pages (--pages), a larger paper (--paper) or a style with smaller type",
    )


def _blankness(pages: list[Page], issue: Issue) -> float:
    """What a reader sees as unfinished: blank rows (as page shares), stories jumping twice, and stories
    the source printed on one page jumping off it."""
    blank = sum(max(0, p.blank_rows) / p.rows for p in pages)
    parts: dict[int, int] = {}
    off_their_page: set[int] = set()
    for page in pages:
        for piece in page.pieces:
            parts[piece.section] = max(parts.get(piece.section, 0), piece.part)
            if issue.sections[piece.section].page not in (None, page.number):
                off_their_page.add(piece.section)
    return blank + 0.2 * sum(max(0, n - 1) for n in parts.values()) + OFF_ITS_PAGE * len(off_their_page)


def _steps(bounds: Bounds) -> Iterable[float]:
    """From the largest value down to the smallest."""
    steps = round((bounds.max - bounds.min) / bounds.step)
    return (round(bounds.max - i * bounds.step, 3) for i in range(steps + 1))


def _geometry(style: Style, paper: Paper, size: float, leading: float) -> Geometry:
    columns = paper.columns
    content_width = paper.width - 2 * paper.margin
    gutter = round(size * style.gutter, 3)
    column_width = (content_width - (columns - 1) * gutter) / columns
    line_height = round(size * leading, 3)
    content_height = paper.height - 2 * paper.margin
    masthead = round(paper.height * style.masthead_height, 3)
    folio = round(style.folio_height * line_height, 3)
    caption_size = round(size * style.caption_size, 3)
    return Geometry(
        paper=paper,
        columns=columns,
        gutter=gutter,
        column_width=column_width,
        body_size=size,
        line_height=line_height,
        caption_size=caption_size,
        caption_line_height=round(caption_size * leading, 3),
        masthead_height=masthead,
        folio_height=folio,
        front_rows=int((content_height - masthead) // line_height),
        inside_rows=int((content_height - folio) // line_height),
    )


def _photo_depths(style: Style, geometry: Geometry) -> range:
    low = math.ceil(geometry.front_rows * style.photo_share.min)
    high = int(geometry.front_rows * style.photo_share.max)
    return range(low, high + 1)


# -- measuring sections ---------------------------------------------------------------------------


class _Measure:
    """Each section typeset at one body size: body rows, headline blocks and captions, each made once."""

    def __init__(
        self, issue: Issue, geometry: Geometry, style: Style, typesetter: Typesetter, bodies: dict[int, list[Row]]
    ) -> None:
        self.issue, self.geometry, self.style, self.typesetter = issue, geometry, style, typesetter
        self._heads: dict[tuple[int, str, int], Head] = {}
        self._captions: dict[tuple[int, int], list[Row]] = {}
        self.items = [self._item(i, bodies) for i in range(len(issue.sections))]

    def _item(self, index: int, bodies: dict[int, list[Row]]) -> _Item:
        section = self.issue.sections[index]
        rank = "lead" if section.lead else "commentary" if section.kind is SectionKind.COMMENTARY else "story"
        if section.kind is SectionKind.PHOTO:
            return _Item(index, [], rank="photo", photo=True)
        if index not in bodies:
            bodies[index] = self._body(section)
        return _Item(index, bodies[index], rank=rank)

    def head(self, item: _Item, span: int) -> Head:
        rank = "continuation" if item.part else item.rank
        key = (item.section, rank, span)
        if key not in self._heads:
            self._heads[key] = _head(
                self.issue.sections[item.section], self.geometry, self.style, self.typesetter, rank, span
            )
        return self._heads[key]

    def caption(self, item: _Item, span: int) -> list[Row]:
        key = (item.section, span)
        if key not in self._captions:
            self._captions[key] = _caption_rows(
                self.issue.sections[item.section], self.geometry, self.typesetter, self.geometry.span_width(span)
            )
        return self._captions[key]

    def caption_depth(self, item: _Item, span: int) -> int:
        height = len(self.caption(item, span)) * self.geometry.caption_line_height
        return math.ceil(height / self.geometry.line_height - 1e-6)

    def _body(self, section: Section) -> list[Row]:
        width, size = self.geometry.column_width, self.geometry.body_size
        setter = self.typesetter
        paragraphs: list[tuple[str, list[Line]]] = []
        starts: list[TextPosition] = []
        if section.byline and section.kind is not SectionKind.COMMENTARY:
            lines = _by_words(section.byline, width, size, setter)
            paragraphs.append(("byline", lines))
            starts += [TextPosition(0)] * len(lines)
        for index, block in enumerate(section.blocks):
            if block.role is BlockRole.SUBHEAD:
                kind, lines = "subhead", self._subhead(block.text)
            else:
                runs = [Run(block.text)]
                if block.run_in and block.text.startswith(block.run_in):
                    runs = [Run(block.run_in, bold=True), Run(block.text[len(block.run_in) :])]
                kind = "text"
                lines = setter.set_paragraph(runs, width, size, indent_em=self.style.paragraph_indent, hyphenate=True)
            paragraphs.append((kind, lines))
            starts += [TextPosition(index, at) for at in line_starts(block.text, lines)]
        return [
            replace(row, start=start, page_may_end_before=not _splits_a_line_opening(section, start))
            for row, start in zip(_rows(paragraphs), starts, strict=True)
        ]

    def _subhead(self, text: str) -> list[Line]:
        """A subhead on one line if it fits, else broken at its phrases, each set ragged."""
        width, size = self.geometry.column_width, self.geometry.body_size * SUBHEAD_SCALE
        parts = (text,) if self.typesetter.advance(text, size, bold=True) <= width else phrases(text)
        return [
            line
            for part in parts
            for line in _ragged(self.typesetter.set_paragraph([Run(part, bold=True)], width, size, indent_em=0))
        ]


def _splits_a_line_opening(section: Section, start: TextPosition) -> bool:
    """Whether a page ending where ``start`` begins would leave fewer than ``LINE_OPENING`` characters of a
    source line before it: so cut, the line's first words are found nowhere whole, not on either page."""
    if start.block >= len(section.blocks) or not start.offset:
        return False
    block = section.blocks[start.block]
    opening = (0, *block.line_starts)[bisect.bisect_left((0, *block.line_starts), start.offset) - 1]
    return len("".join(block.text[opening : start.offset].split())) < LINE_OPENING


def _caption_rows(section: Section, geometry: Geometry, typesetter: Typesetter, width: float) -> list[Row]:
    size = geometry.caption_size
    paragraphs: list[tuple[str, list[Line]]] = []
    if section.caption:
        caption = typesetter.set_paragraph([Run(section.caption)], width, size, indent_em=0, hyphenate=True)
        paragraphs.append(("caption", caption))
    if section.credit:
        paragraphs.append(
            ("credit", _ragged(typesetter.set_paragraph([Run(section.credit)], width, size, indent_em=0)))
        )
    return _rows(paragraphs)


def _rows(paragraphs: Sequence[tuple[str, list[Line]]]) -> list[Row]:
    """The rows of a section's paragraphs, given as (kind, lines) in reading order."""
    return [Row(kind, line, paragraph=number) for number, (kind, lines) in enumerate(paragraphs) for line in lines]


def _by_words(text: str, width: float, size: float, typesetter: Typesetter) -> list[Line]:
    """Ragged lines broken at spaces only where that fits (a byline's names stay whole), else as
    the typesetter breaks them."""
    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and typesetter.advance(joined, size) <= width:
            lines[-1] = joined
        else:
            lines.append(word)
    if any(typesetter.advance(line, size) > width for line in lines):
        return _ragged(typesetter.set_paragraph([Run(text)], width, size, indent_em=0))
    return [Line(runs=(Run(line),), spacing=0.0, indent=0.0, last=True) for line in lines]


def _ragged(lines: list[Line]) -> list[Line]:
    """Lines set flush left (bylines, credits): not stretched to the column's edge."""
    return [replace(line, spacing=0.0, word_spacing=0.0) for line in lines]


# The headline block's parts as multiples of the body size, and the line height of each: the same
# numbers the print CSS reads (it receives them as custom properties from the plan).
HEAD_PARTS = {"kicker": (1.0, 1.5), "overline": (1.15, 1.4), "subheadline": (1.15, 1.4), "author": (1.0, 1.5)}
HEADLINE_LINE_HEIGHT = 1.22
SUBHEAD_SCALE = 1.05  # a subhead (小标题) stands a little larger than the body, centred in its row
HEAD_PADDING = 1.0  # rows of air inside a headline block, above and below together
NOTES_LABEL_ROWS = 2  # the label over the edition's notes, with air above it


def _head(section: Section, geometry: Geometry, style: Style, typesetter: Typesetter, rank: str, span: int) -> Head:
    """The headline block; none at all for OCR text that stands under no headline; the notes' label
    (the style's wording, short enough for a row across the page) a row."""
    if section.kind is SectionKind.NOTES:
        return Head(NOTES_LABEL_ROWS, geometry.body_size, ())
    width = geometry.span_width(span)
    size = 0.0
    lines: tuple[str, ...] = ()
    if section.headline.strip():
        size, lines = _fit_headline(
            section.headline_lines, width, geometry.body_size * style.headline_size[rank], typesetter
        )
    height = len(lines) * size * HEADLINE_LINE_HEIGHT
    if rank != "continuation":
        for part, (scale, leading) in HEAD_PARTS.items():
            text = getattr(section, part)
            if text and not (part == "author" and section.kind is not SectionKind.COMMENTARY):
                fit = display_lines(text, width, geometry.body_size * scale, typesetter)
                height += len(fit.lines) * fit.size * leading
    rows = math.ceil(height / geometry.line_height + HEAD_PADDING - 1e-6) if height else 0
    return Head(rows, round(size, 2), lines)


def _fit_headline(
    parts: Sequence[str], width: float, size: float, typesetter: Typesetter
) -> tuple[float, tuple[str, ...]]:
    """Shrink a headline to 70 % to keep each deliberate part on one line; past that, wrap it."""
    widest = max(typesetter.advance(part, size, bold=True) for part in parts)
    if widest <= width:
        return size, tuple(parts)
    smaller = size * max(0.7, width / widest) * 0.995
    if max(typesetter.advance(part, smaller, bold=True) for part in parts) <= width:
        return smaller, tuple(parts)
    lines = [
        line.text
        for part in parts
        for line in typesetter.set_paragraph([Run(part, bold=True)], width, smaller, indent_em=0)
    ]
    return smaller, tuple(lines)


# -- flowing sections onto pages -----------------------------------------------------------------


def _front_sections(issue: Issue) -> list[int]:
    """The top of the issue: the sections up to the lead, the next story and the first photo, of those
    the source does not put on a later page."""
    chosen: list[int] = []
    stories = photos = 0
    for index, section in enumerate(issue.sections[:4]):
        if (section.page or 1) > 1 or section.kind is SectionKind.NOTES:
            break
        chosen.append(index)
        if section.kind is SectionKind.PHOTO:
            photos += 1
        else:
            stories += 1
        if stories >= 2 and (photos or not any(s.kind is SectionKind.PHOTO for s in issue.sections[index + 1 : 4])):
            break
    return chosen


def _front_band_holds_page_one(issue: Issue, chosen: list[int]) -> bool:
    """Whether the front page's top story and band take every section the source put on page 1."""
    return not any(section.page == 1 for index, section in enumerate(issue.sections) if index not in chosen)


def _photo_span(columns: int) -> int:
    """A front-page photo beside a story takes about a third of the page's columns."""
    return max(1, round(columns / 3))


def _flow(measure: _Measure, page_count: int | None, photo_rows: int) -> tuple[list[Page], int]:
    """Pages for the issue's sections in reading order, and how many rows overflow the last page; with
    no ``page_count``, as many pages as the sections fill.

    The front page sets the top story across the page and a band of the next stories beside the photo
    (and, when they end there, what follows under them), unless the source put more on page 1 than that:
    then page 1, like every other, takes its sections one under another across the page, each cut where
    the page ends and continued on the next."""
    issue, geometry, style = measure.issue, measure.geometry, measure.style
    columns = geometry.columns
    last = page_count or MAX_PAGES
    chosen = _front_sections(issue)
    pages: list[Page] = []
    queue = list(measure.items)
    pieces: list[Piece] = []
    row = 0
    if chosen and _front_band_holds_page_one(issue, chosen):
        front, carried = _front_page(measure, chosen, photo_rows)
        queue = carried + [item for item in measure.items if item.section not in chosen]
        if carried:
            pages.append(front)
        else:  # the top and the band end on the front page: what follows goes on under them
            pieces, row = list(front.pieces), max(piece.bottom for piece in front.pieces)
    number, overflow = len(pages) + 1, 0

    def page_rows() -> int:
        return geometry.front_rows if number == 1 else geometry.inside_rows

    def close_page() -> None:
        nonlocal pieces, row, number
        pages.append(Page(number, _page_name(issue, style, number), number == 1, page_rows(), tuple(pieces)))
        pieces, row, number = [], 0, number + 1

    for item in queue:
        wanted = issue.sections[item.section].page
        while wanted and number < wanted <= last:
            close_page()
        rest: _Item | None = item
        while rest is not None:
            if number > last:
                overflow += _depth(measure, rest)
                break
            top = row + (1 if pieces else 0)
            left = page_rows() - top
            if rest.photo:
                piece = _photo_piece(measure, rest, top, 0, columns, photo_rows)
                if piece.rows <= left:
                    pieces.append(piece)
                    row, rest = piece.bottom, None
                elif not pieces:  # deeper than a whole page: no later page will take it either
                    overflow += piece.rows - left
                    rest = None
                else:
                    close_page()
                continue
            head = measure.head(rest, columns)
            needed = math.ceil((len(rest.rows) + bool(rest.part)) / columns)
            if left - head.rows >= min(MIN_BODY_ROWS, needed):
                piece, rest = _text_piece(rest, head, left - head.rows, top, 0, columns)
                pieces.append(piece)
                row = piece.bottom
            if rest is not None:
                close_page()
    if pieces:
        close_page()
    while len(pages) < (page_count or 0):
        close_page()
    return pages, overflow


def _depth(measure: _Measure, item: _Item) -> int:
    columns = measure.geometry.columns
    return measure.head(item, columns).rows + math.ceil(len(item.rows) / columns)


def _front_page(measure: _Measure, chosen: list[int], photo_rows: int) -> tuple[Page, list[_Item]]:
    """The front page: the first section across the top, then a band of the next stories with the
    photo beside them; and what of its stories must continue inside."""
    geometry, style = measure.geometry, measure.style
    columns, rows = geometry.columns, geometry.front_rows
    top, band = measure.items[chosen[0]], [measure.items[i] for i in chosen[1:]]
    photos = [item for item in band if item.photo]
    texts = [item for item in band if not item.photo]
    photo_span = _photo_span(columns) if photos and texts else columns
    text_span = columns - photo_span if photos else columns
    pieces: list[Piece] = []
    carried: list[_Item] = []

    photo_depth = sum(_photo_piece(measure, item, 0, 0, photo_span, photo_rows).rows + 1 for item in photos)
    text_depth = sum(measure.head(item, text_span).rows + MIN_BODY_ROWS + 1 for item in texts)
    # without a photo the band takes what the lead leaves of its share, or less when its stories are short
    band_need = sum(measure.head(item, text_span).rows + math.ceil(len(item.rows) / text_span) + 1 for item in texts)
    share_depth = min(math.floor(rows * (1 - style.front_story_share)), band_need) if texts and not photos else 0
    band_depth = max(photo_depth, text_depth, share_depth)

    if top.photo:
        piece = _photo_piece(measure, top, 0, 0, columns, photo_rows)
        if piece.rows > rows - band_depth:
            raise _NoFit
    else:
        head = measure.head(top, columns)
        top_need = math.ceil(len(top.rows) / columns)
        available = rows - band_depth - head.rows
        # the lead keeps its share of the front page, or all of itself when it is shorter
        if available < min(top_need, max(MIN_BODY_ROWS, int(rows * style.front_story_share) - head.rows)):
            raise _NoFit
        piece, rest = _text_piece(top, head, available, 0, 0, columns)
        carried += [rest] if rest else []
    pieces.append(piece)

    band_row = piece.bottom + 1
    row = band_row
    for item in photos:
        piece = _photo_piece(measure, item, row, columns - photo_span, photo_span, photo_rows)
        pieces.append(piece)
        row = piece.bottom + 1
    if row - 1 > rows:
        raise _NoFit
    heads = [measure.head(item, text_span) for item in texts]
    need = [math.ceil(len(item.rows) / text_span) for item in texts]
    available = rows - band_row - sum(h.rows for h in heads) - (len(texts) - 1)
    row = band_row
    for item, head, wanted, body_rows in zip(texts, heads, need, _allot(need, available)):
        if body_rows < min(MIN_BODY_ROWS, wanted):
            raise _NoFit
        piece, rest = _text_piece(item, head, body_rows, row, 0, text_span)
        pieces.append(piece)
        carried += [rest] if rest else []
        row = piece.bottom + 1
    # in reading order, which is also the order of the PDF's text and of its tagged structure
    pieces.sort(key=lambda piece: piece.section)
    return Page(1, _page_name(measure.issue, style, 1), True, rows, tuple(pieces)), carried


def _allot(need: list[int], available: int) -> list[int]:
    """Rows for stories stacked in ``available`` rows: each what it needs of an even share of what
    is left (all it needs when everything fits), the last all that is left."""
    allot = []
    left = available
    for position, wanted in enumerate(need):
        if position == len(need) - 1:
            allot.append(left)
            break
        rows = wanted if sum(need) <= available else min(wanted, max(MIN_BODY_ROWS, left // (len(need) - position)))
        allot.append(rows)
        left -= rows
    return allot


def _text_piece(
    item: _Item, head: Head, available: int, row: int, column: int, span: int
) -> tuple[Piece, _Item | None]:
    """The piece of ``item`` that at most ``available`` rows of ``span`` columns hold: all of it in
    balanced columns when it fits, else as much as fits, ending with a jump line, and what is left
    (which begins the next piece with one)."""
    rows = ([Row("jump-from")] if item.part else []) + item.rows
    for depth in range(math.ceil(len(rows) / span), available + 1):
        columns, taken = _fill(rows, depth, span)
        if taken == len(rows):
            return Piece(item.section, item.part, head, columns, depth, row, column, span), None
    columns, taken = _cut(rows, available, span)
    columns = columns[:-1] + (columns[-1] + (Row("jump-to"),),)
    return Piece(item.section, item.part, head, columns, available, row, column, span), item.rest(taken, rows)


def _cut(rows: list[Row], available: int, span: int) -> tuple[tuple[tuple[Row, ...], ...], int]:
    """As much of ``rows`` as ``available`` rows of ``span`` columns hold with a jump line under them, ending
    where a page may end (a row earlier where the next row would split a source line's opening)."""
    limit = len(rows)
    while True:
        columns, taken = _fill(rows[:limit], available, span, reserve=1)
        if taken == 0 or taken == len(rows) or rows[taken].page_may_end_before:
            return columns, taken
        limit = taken - 1


def _fill(rows: list[Row], depth: int, span: int, reserve: int = 0) -> tuple[tuple[tuple[Row, ...], ...], int]:
    """``rows`` poured into ``span`` columns ``depth`` deep (the last ``reserve`` rows shorter), a
    subhead never left at a column's foot apart from its paragraph; and how many rows went in."""
    columns, start = [], 0
    for index in range(span):
        end = min(start + depth - (reserve if index == span - 1 else 0), len(rows))
        keep = end
        while end < len(rows) and keep > start and rows[keep - 1].kind == "subhead":
            keep -= 1
        end = keep if keep > start else end
        columns.append(tuple(rows[start:end]))
        start = end
    return tuple(columns), start


def _photo_piece(measure: _Measure, item: _Item, row: int, column: int, span: int, photo_rows: int) -> Piece:
    """A photo: its title, a frame ``photo_rows`` deep across ``span`` columns, the caption under it."""
    caption = measure.caption(item, span)
    depth = photo_rows + measure.caption_depth(item, span)
    return Piece(
        item.section, 0, measure.head(item, span), (tuple(caption),), depth, row, column, span, photo_rows=photo_rows
    )


def _page_name(issue: Issue, style: Style, number: int) -> str:
    """The page's name as the issue gives it, else the style's for a front or an inside page."""
    names = issue.settings.page_names
    if number <= len(names):
        return names[number - 1]
    return style.page_names["front" if number == 1 else "inside"]


def _link_jumps(pages: list[Page]) -> list[Page]:
    """Fill in each piece's ``continued_from`` / ``continued_to`` with the true page numbers."""
    where: dict[tuple[int, int], int] = {}
    for page in pages:
        for piece in page.pieces:
            where[(piece.section, piece.part)] = page.number
    linked = []
    for page in pages:
        pieces = tuple(
            replace(
                piece,
                continued_from=where.get((piece.section, piece.part - 1)),
                continued_to=where.get((piece.section, piece.part + 1)),
            )
            for piece in page.pieces
        )
        linked.append(replace(page, pieces=pieces))
    return linked


def _spread_slack(pages: list[Page], line_height: float) -> tuple[Page, ...]:
    """Give a page's blank rows to the space between its bands (pieces that start on the same row),
    or, on a page of one band, to the space between the paragraphs of its last piece, so that no
    blank gathers at the foot of the page."""
    spread = []
    for page in pages:
        starts = sorted({piece.row for piece in page.pieces})
        blank, gaps = page.free_rows, len(starts) - 1
        if blank <= 0 or not page.pieces:
            spread.append(page)
        elif gaps:
            shift = {
                start: sum(blank // gaps + (1 if k <= blank % gaps else 0) for k in range(1, position + 1))
                for position, start in enumerate(starts)
            }
            pieces = tuple(replace(piece, row=piece.row + shift[piece.row]) for piece in page.pieces)
            spread.append(replace(page, pieces=pieces))
        else:
            pieces = page.pieces[:-1] + (_stretched(page.pieces[-1], blank, line_height),)
            spread.append(replace(page, pieces=pieces))
    return tuple(spread)


def _stretched(piece: Piece, extra_rows: int, line_height: float) -> Piece:
    """``piece`` ``extra_rows`` deeper, each column's new air shared between its paragraph starts."""
    if piece.photo_rows:
        return piece
    depth = piece.body_rows + extra_rows
    columns = []
    for column in piece.columns:
        starts = [i for i, row in enumerate(column) if i and row.starts_paragraph and column[i - 1].kind != "subhead"]
        if not starts:
            columns.append(column)
            continue
        # more air than this reads as a gap, not as spacing: what is left stays at the foot
        air = min((depth - len(column)) * line_height / len(starts), MAX_PARAGRAPH_AIR * line_height)
        columns.append(tuple(replace(row, space_before=air) if i in starts else row for i, row in enumerate(column)))
    return replace(piece, columns=tuple(columns), body_rows=depth)
