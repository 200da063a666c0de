"""Page planning and fitting: an issue, a style and a paper in; a ``Plan`` of every page out.

A page is a grid: the style's columns across, rows of the body's line height down. Every line of
body text is typeset here with the fonts' real advances (``typeset``), so each section's depth is
known exactly at every width without rendering. Each page is made up of modules (``makeup``): this
module says what each section may be on a page (the widths it may take and its depths at each, by
its kind, rank and length; short stories gathered into groups of briefs; a list of short lines set in
lanes narrower than the page's columns), flows the sections onto
the pages in reading order (the front page showing the top of the issue, its stories going on
inside; the continuations first on the next page; sections held for the page their source names),
and turns each page's rectangles into pieces: balanced columns, or cut with a jump line. The fitter
tries body sizes and leadings within the style's bounds and keeps the plan that leaves the least
blank space on exactly the issue's page count; when nothing fits, a ``FitError`` says how much is
left over. Each body line knows where it begins in its section's text, so the plan can tell the
e-book where each page's part of a story begins (``Plan.page_parts``).
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from layout.display import DisplayLines, display_lines
from layout.errors import FitError
from layout.makeup import CUT_COST, Block, Placement, Shape, holds_whole, make_up
from layout.model import MAX_PAGES, BlockRole, Issue, PagePart, Section, SectionKind, TextPosition, phrases
from layout.style import Bounds, Paper, Style
from layout.typeset import MIN_WORD_SPACE, Line, Run, Typesetter, line_starts

log = logging.getLogger(__name__)

LINE_OPENING = 6  # characters of a source line that must stand together before a page ends (a line's opening)
MIN_BODY_ROWS = 3  # fewer rows of a story at the foot of a page read as a mistake: start it on the next page
MAX_PARAGRAPH_AIR = 0.6  # rows of air a stretched column may put above each paragraph
UNDERFULL = 0.25  # a page with more of its rows blank is reported: the issue has too little for its pages
BLANK_TOLERANCE = 2  # rows per page a plan may leave blank (spread between the page's sections)
BALANCE_SHARES = (1, 2, 3)  # of the last page's blank rows, what the page before it may give up to it
TIGHTER_TRIES = 3  # grids made up beyond the most open one that holds the issue, to find the least blank
TOMBSTONE_SHARE = 0.1  # a tombstone: as bad as a tenth of a page left blank
TOMBSTONE_SIZE = 0.5  # points the fitter may take off the type to keep headlines from standing side by side
BRIEFS_SHARE = 1 / 2  # of a page's rows, the most a group of briefs takes in two columns
JUMP_AGAIN = 8  # how much worse than a first jump a second one (or a box's) is
WIDTHS_TRIED = 3  # a story's widths tried in page makeup: those whose shapes read best
MAX_OFFERED = 30  # sections a page is offered at once: more modules than this make no page
BRIEF_LINES = 24  # a story of no more lines of a column (150 words of a broadsheet) is gathered into briefs
MAX_BRIEFS = 5  # briefs to a group
BRIEFS_LABEL_ROWS = 2  # the group's label (简讯, In Brief), with air under it
SHORT_STORY = 200  # characters: a story shorter than this is set in one or two columns (verify measures it)
LEAD_SHARE = 0.6  # of the front page's columns, what the lead spans at least
PHOTO_ASPECT = (0.5, 1.4)  # a photo's frame, its depth to its width: from a wide landscape to a portrait
OFF_ITS_PAGE = 0.5  # what a story set (wholly or in part) off the pages its source runs it over costs, in blank pages
LIST_ITEMS = 10  # paragraphs a section must have, at the least, to be set as a list in lanes
LIST_SHARE = 0.9  # of a list's paragraphs, those that must each stand on one line of its lanes (nearly all)


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

    def lanes(self, span: int, lane: float | None) -> int:
        """How many text columns a piece ``span`` page columns wide is set in: one a page column, or as
        many of a list's lanes ``lane`` pt wide as the span holds, with a gutter between each two."""
        if lane is None:
            return span
        return max(1, math.floor((self.span_width(span) + self.gutter) / (lane + self.gutter) + 1e-6))

    def text_columns(self, span: int, lane: float | None) -> tuple[tuple[float, float], ...]:
        """The left edge (from the piece's left) and width, in pt, of each text column of a piece ``span``
        page columns wide: the page's columns, or a list's lanes spread evenly across the span."""
        if lane is None:
            return tuple((n * (self.column_width + self.gutter), self.column_width) for n in range(span))
        lanes = self.lanes(span, lane)
        step = (self.span_width(span) - lane) / (lanes - 1) if lanes > 1 else 0.0
        return tuple((n * step, lane) for n in range(lanes))

    def column_rules(self, span: int, lane: float | None) -> tuple[float, ...]:
        """Where the rules between a piece's text columns stand, from its left: mid-gutter."""
        columns = self.text_columns(span, lane)
        return tuple((left + before[0] + before[1]) / 2 for before, (left, _) in zip(columns, columns[1:]))


@dataclass(frozen=True)
class Head:
    """A section's headline block as planned: its depth in rows and the headline's size and lines."""

    rows: int
    size: float
    lines: tuple[str, ...]
    rank: str = "story"  # lead | story | commentary | photo | continuation | brief: which headline size
    label: bool = False  # it opens a group of briefs, under the group's label
    # its kicker, overline, subheadline and a commentary's author, in the lines and size the print sets them
    parts: Mapping[str, DisplayLines] = field(default_factory=dict)

    @property
    def is_headline(self) -> bool:
        """Whether it could bump another's beside it (a tombstone): a group's briefs stand under the group's
        label, their small heads a list's; the edition's notes stand under a standing label, not a headline."""
        return bool(self.lines) and self.rank != "brief"


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
    lane: float | None = None  # a list's: the width of its lanes (pt), narrower than the page's columns
    module: int = 0  # which module of its page it stands in (a group of briefs is one module of many pieces)
    continued_from: int | None = None
    continued_to: int | None = None

    @property
    def rows(self) -> int:
        return self.head.rows + self.body_rows

    @property
    def head_row(self) -> int:
        """Where its headline block stands: at its top, but a photo's under its picture, so that a photo
        beside a story opens with the picture and no headline stands beside the story's."""
        return self.row + self.photo_rows

    @property
    def body_row(self) -> int:
        """Where its body (a photo's caption) begins: under the headline block and any picture."""
        return self.row + self.head.rows + self.photo_rows

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
        """The page's modules in reading order."""
        numbers = sorted({piece.module for piece in self.pieces})
        return tuple(Module(tuple(piece for piece in self.pieces if piece.module == number)) for number in numbers)

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

    @property
    def tombstones(self) -> int:
        """Headlines side by side at one height in neighbouring modules, as planned."""
        heads = [
            (piece.module, piece.column, piece.column + piece.span, piece.head_row, piece.head_row + piece.head.rows)
            for piece in self.pieces
            if piece.head.is_headline
        ]
        return sum(
            1
            for a, b in itertools.combinations(heads, 2)
            if a[0] != b[0] and (a[2] == b[1] or b[2] == a[1]) and a[3] < b[4] and b[3] < a[4]
        )


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
    briefs: tuple[_Item, ...] = ()  # a group of briefs: the short stories it gathers, in reading order
    lane: float | None = None  # a list's lanes' width (pt), which its rows are set in (``_list_lane``)

    def rest(self, taken: int, rows: list[Row]) -> _Item:
        """What is left after a page took ``taken`` of ``rows`` (this part's rows as placed)."""
        return _Item(self.section, rows[taken:], self.rank, self.part + 1, lane=self.lane)


def plan_issue(issue: Issue, style: Style, paper: Paper, page_count: int) -> Plan:
    """The fullest plan of ``issue`` on exactly ``page_count`` pages, or a ``FitError``: within the style's
    bounds, else within its dense preset's."""
    # each grid tried sets and measures every paragraph again, at its size and width
    with Typesetter.for_faces(style.body_faces, issue.settings.language).memoizing():
        try:
            return _fit(issue, style, paper, page_count)
        except FitError:
            dense = style.densest()
            if dense is None:
                raise
            plan = _fit(issue, dense, paper, page_count)
            log.info("%s: set with the style's dense preset (%gpt body)", issue.source, plan.geometry.body_size)
            return plan


def plan_filled(issue: Issue, style: Style, paper: Paper) -> Plan:
    """The plan of an issue that names no page count: on the pages its content fills at the style's preferred
    body size. They are counted by flowing the text into the pages' columns (``pages_filled``), but pages made
    up in modules can hold more than that flow (a 150,000-character English issue flowed onto 55 pages of A4
    and was made up on 51, leaving four empty), so while a plan's last pages are left largely blank it is
    made again on fewer (``_on_fewer_pages``)."""
    plan = plan_issue(issue, style, paper, pages_filled(issue, style, paper))
    smallest = min(style.body_size.reckoned, plan.geometry.body_size)
    with Typesetter.for_faces(style.body_faces, issue.settings.language).memoizing():
        while _blank_at_end(plan) and (fewer := _on_fewer_pages(issue, style, paper, plan, smallest)):
            plan = fewer
    return plan


def _on_fewer_pages(issue: Issue, style: Style, paper: Paper, plan: Plan, smallest: float) -> Plan | None:
    """``plan``'s issue on fewer pages: on the pages its content reaches, in whatever type holds it there (a
    page it leaves empty fails verification), else on one page fewer if the type is not smaller than
    ``smallest`` (a last page partly blank reads better than smaller type); None when neither holds."""
    reached = max((page.number for page in plan.pages if page.pieces), default=1)
    empty = reached < len(plan.pages)
    for page_count in range(reached, len(plan.pages)) if empty else range(max(1, reached - 1), reached):
        with contextlib.suppress(FitError):
            fewer = plan_issue(issue, style, paper, page_count)
            if empty or fewer.geometry.body_size >= smallest:
                return fewer
    return None


def pages_filled(issue: Issue, style: Style, paper: Paper) -> int:
    """How many pages the issue's content fills when flowed into the pages' columns at the style's preferred
    body size and its most open leading."""
    size = style.body_size.reckoned
    typesetter = Typesetter.for_faces(style.body_faces, issue.settings.language)
    measure = _Measure(issue, _geometry(style, paper, size, style.leading.max), style, typesetter, {})
    pages, _ = _flow(measure, None)
    return len(pages)


def largely_blank(plan: Plan) -> list[int]:
    """The numbers of the plan's pages that its content leaves largely blank (more than ``UNDERFULL``)."""
    return [page.number for page in plan.pages if _largely_blank(page)]


def _blank_at_end(plan: Plan) -> int:
    """How many of the plan's last pages are left largely blank."""
    return sum(1 for _ in itertools.takewhile(_largely_blank, reversed(plan.pages)))


def _largely_blank(page: Page) -> bool:
    return page.blank_rows > UNDERFULL * page.rows


def _fit(issue: Issue, style: Style, paper: Paper, page_count: int) -> Plan:
    """The most readable plan that fills the pages: grids from the most open (largest type, most open
    leading) to the tightest hold more and more, though not strictly (modules fill pages in steps); the
    first that holds everything and the next few tighter ones are made up, the least blank kept. While
    those set headlines side by side, tighter grids are made up too, down to ``TOMBSTONE_SIZE`` smaller
    type: in a page of modules that all open with a headline, only more room (for a headless group of
    briefs between them, or a stack instead of a row) keeps them apart."""
    typesetter = Typesetter.for_faces(style.body_faces, issue.settings.language)
    bodies: dict[float, dict[int, list[Row]]] = {}  # the body lines depend on the size, not on the leading
    grids = [(size, leading) for size in _steps(style.body_size) for leading in _steps(style.leading)]
    leadings = len(list(_steps(style.leading)))
    tightest = len(grids) - 1  # holds the most: how much it overflows by, if it does, is the error's
    made: dict[int, tuple[int, list[Page], _Measure]] = {}

    def make(index: int) -> tuple[int, list[Page], _Measure]:
        if index not in made:
            size, leading = grids[index]
            measure = _Measure(
                issue, _geometry(style, paper, size, leading), style, typesetter, bodies.setdefault(size, {})
            )
            pages, overflow = _flow(measure, page_count, how_much=index == tightest)
            made[index] = (overflow, pages, measure)
        return made[index]

    def area(index: int) -> float:
        """What a grid's text takes of the page, but for a factor: it grows with the size squared and the leading."""
        size, leading = grids[index]
        return size * size * leading

    def known_not_to_hold(index: int) -> bool:
        """Whether a grid whose text takes no more room than this one's was made up and did not hold the issue:
        then neither does this one, nearly always (modules fill pages in steps), and it is not made up."""
        return index not in made and any(made[other][0] and area(other) <= area(index) for other in made)

    def holds_on_its_pages(index: int) -> bool:
        overflow, pages, _ = make(index)
        return not overflow and not _off_their_page(pages, issue)

    shared: dict[int, list[Page]] = {}

    def balanced(index: int) -> list[Page]:
        """A holding grid's pages, the last one's blank shared with the page before (made up once)."""
        if index not in shared:
            _, pages, measure = make(index)
            shared[index] = _balanced(measure, page_count, pages)
        return shared[index]

    short = _rows_short(issue, _geometry(style, paper, *grids[tightest]), typesetter, page_count)
    if short:  # known without typesetting a line: the text alone is more than the pages' columns hold
        raise _overflow_error(issue, style, paper, page_count, short, "at least")
    overflow = make(tightest)[0]
    if overflow:  # the tightest grid holds the most: no other holds everything either
        raise _overflow_error(issue, style, paper, page_count, overflow)
    # the search begins a size or two more open than the grid that the tightest one's fill says will just hold it
    reach = area(tightest) / max(_filled_share(balanced(tightest)), 1e-3)
    estimate = next(index for index in range(len(grids)) if area(index) <= reach)
    start = max(0, estimate - 2 * leadings)
    if not make(start)[0] and any(map(_largely_blank, balanced(start))):
        start = 0  # the estimate was cautious: pages left largely blank there say a more open grid holds
    low = _most_open_holding(
        start, len(grids), leadings, lambda index: not known_not_to_hold(index) and not make(index)[0]
    )
    # a smaller size that keeps every story on the page its source names is worth more: the size is found
    # by its tightest leading (which holds the most), then the most open leading of it that does
    if _off_their_page(make(low)[1], issue):
        tightest_of_each = range(low - low % leadings + leadings - 1, len(grids), leadings)
        found = next((index for index in tightest_of_each if holds_on_its_pages(index)), None)
        if found is not None:
            low = next(index for index in range(max(low, found - leadings + 1), found + 1) if holds_on_its_pages(index))
    best: tuple[float, Plan] | None = None
    tombstoned = False  # the best plan so far sets headlines side by side
    for index in range(low, len(grids)):
        if index >= low + TIGHTER_TRIES and not (tombstoned and grids[index][0] >= grids[low][0] - TOMBSTONE_SIZE):
            break
        if known_not_to_hold(index) or make(index)[0]:
            continue
        pages = balanced(index)
        score = _blankness(pages, issue)
        geometry = make(index)[2].geometry
        if best is None or score < best[0] - 1e-9:
            best = (score, Plan(geometry, tuple(_link_jumps(pages))))
            tombstoned = any(page.tombstones for page in pages)
        if score <= BLANK_TOLERANCE / geometry.inside_rows:
            break  # the most open grid that leaves the pages full, no headlines side by side, reads best
    assert best is not None  # make(low) holds everything
    return best[1]


def _rows_short(issue: Issue, geometry: Geometry, typesetter: Typesetter, page_count: int) -> int:
    """Rows across the page that the issue's text needs beyond ``page_count`` pages of ``geometry``, at the
    least (0: it may fit): a line holds no more of a paragraph's natural width than the column (a list's
    lane, with its share of the gutter) over the tightest its word spaces may shrink to, and headlines,
    photos and the gaps between modules only take more. A paper far too small is known so at a few
    hundredths of the cost of typesetting the issue to learn it."""
    holds = geometry.columns * (geometry.front_rows + (page_count - 1) * geometry.inside_rows)
    line = (geometry.column_width + geometry.gutter) / MIN_WORD_SPACE
    width = sum(
        typesetter.advance(block.text, geometry.body_size)
        for section in issue.sections
        if section.kind is not SectionKind.PHOTO  # a photo's text is its caption, set smaller
        for block in section.blocks
    )
    return max(0, math.ceil((width / line - holds) / geometry.columns))


def _most_open_holding(start: int, count: int, leadings: int, holds: Callable[[int], bool]) -> int:
    """The first of grids [start, count) (``leadings`` to a size, from the most open to the tightest)
    that ``holds`` the issue, the last one known to. Each is a page makeup, so few are tried: a tighter
    leading holds more than a more open one of the same size, nearly always, so a size whose tightest
    leading does not hold is passed over, and the first holding leading of the size whose tightest does
    is found by halving."""
    if holds(start):  # the search begins where the tightest grid's fill says the issue will just hold
        return start
    tightest = next(index for index in range(start - start % leadings + leadings - 1, count, leadings) if holds(index))
    low, high = max(start, tightest - leadings + 1), tightest
    while low < high:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle + 1
    return high


def _balanced(measure: _Measure, page_count: int, pages: list[Page]) -> list[Page]:
    """``pages``, or, when their last is left partly blank, the pages made up again with the page before
    it holding less, so that the blank is shared between the two rather than gathered on the last (but no
    story is moved off the page its source names)."""
    blank = pages[-1].free_rows if page_count > 1 else 0
    best = pages
    for share in BALANCE_SHARES if blank > BLANK_TOLERANCE else ():
        tried, overflow = _flow(measure, page_count, blank // share)
        moved = _off_their_page(tried, measure.issue) > _off_their_page(pages, measure.issue)
        if not overflow and not moved and _worst_blank(tried) < _worst_blank(best):
            best = tried
    return best


def _worst_blank(pages: list[Page]) -> float:
    """The largest share of a page's grid its modules leave white, gaps between its bands included."""
    return max(1 - _filled_share([page]) for page in pages)


def _filled_share(pages: list[Page]) -> float:
    """The share of the pages' grid cells that text, headlines and photos fill."""
    cells = sum(page.rows * max((p.column + p.span for p in page.pieces), default=1) for page in pages)
    filled = sum(piece.rows * piece.span for page in pages for piece in page.pieces)
    return filled / cells if cells else 1.0


def _overflow_error(
    issue: Issue, style: Style, paper: Paper, page_count: int, rows: int, how_many: str = "about"
) -> FitError:
    """``how_many``: "about" when ``rows`` is the tightest grid's overflow, "at least" when it is
    ``_rows_short``'s bound, which leaves out headlines and gaps."""
    geometry = _geometry(style, paper, style.body_size.min, style.leading.min)
    chars = rows * geometry.columns * int(geometry.column_width // geometry.body_size)
    return FitError(
        f"the content needs {how_many} {rows} more rows (about {chars} characters) than {page_count} pages "
        f"of {paper.name} hold at the style's smallest body size ({style.body_size.min:g}pt)",
        path=issue.source,
        hint="give more pages (--pages), a larger paper (--paper) or a style with smaller type",
    )


def _blankness(pages: list[Page], issue: Issue) -> float:
    """What a reader sees as unfinished: blank rows (as page shares), stories jumping twice, stories
    the source printed on one page jumping off it, and headlines side by side."""
    blank = sum(max(0, p.blank_rows) / p.rows for p in pages)
    parts: dict[int, int] = {}
    for page in pages:
        for piece in page.pieces:
            parts[piece.section] = max(parts.get(piece.section, 0), piece.part)
    return (
        blank
        + 0.2 * sum(max(0, n - 1) for n in parts.values())
        + OFF_ITS_PAGE * _off_their_page(pages, issue)
        + TOMBSTONE_SHARE * sum(page.tombstones for page in pages)
    )


def _off_their_page(pages: list[Page], issue: Issue) -> int:
    """How many stories stand (wholly or in part) off the pages their source runs them over."""
    sources = {index: issue.source_pages(index) for index, section in enumerate(issue.sections) if section.page}
    return len(
        {
            piece.section
            for page in pages
            for piece in page.pieces
            if piece.section in sources and page.number not in sources[piece.section]
        }
    )


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


# -- measuring sections ---------------------------------------------------------------------------


class _Measure:
    """Each section typeset at one body size: body rows, headline blocks and captions, each made once."""

    def __init__(
        self, issue: Issue, geometry: Geometry, style: Style, typesetter: Typesetter, bodies: dict[int, list[Row]]
    ) -> None:
        self.issue, self.geometry, self.style, self.typesetter = issue, geometry, style, typesetter
        self._heads: dict[tuple[int, str, int], Head] = {}
        self._captions: dict[tuple[int, int], list[Row]] = {}
        self._blocks: dict[tuple[int, int, int, int, int], Block] = {}
        self.items = [self._item(i, bodies) for i in range(len(issue.sections))]

    def _item(self, index: int, bodies: dict[int, list[Row]]) -> _Item:
        section = self.issue.sections[index]
        rank = "lead" if section.lead else "commentary" if section.kind is SectionKind.COMMENTARY else "story"
        if section.kind is SectionKind.PHOTO:
            return _Item(index, [], rank="photo", photo=True)
        lane = self._list_lane(section)
        if index not in bodies:
            bodies[index] = self._body(section, lane or self.geometry.column_width)
        return _Item(index, bodies[index], rank=rank, lane=lane)

    def _list_lane(self, section: Section) -> float | None:
        """The width of the lanes a list is set in, or None for a section set in the page's columns.

        A list (a price list, a table of results, a directory) is many paragraphs each much shorter
        than a column: set in the page's columns, every line stands half empty. Its lanes are as
        narrow as lets ``LIST_SHARE`` of its paragraphs stand on one line each, as many as the page's
        width holds, spread evenly across it; a section that would get no more lanes than the page
        has columns is no list."""
        paragraphs = [block.text for block in section.blocks if block.role is not BlockRole.SUBHEAD]
        if section.kind is not SectionKind.STORY or len(paragraphs) < LIST_ITEMS:
            return None
        size, indent = self.geometry.body_size, self.style.paragraph_indent * self.geometry.body_size
        lengths = sorted(indent + self.typesetter.advance(text, size) for text in paragraphs)
        needed = lengths[math.ceil(LIST_SHARE * len(lengths)) - 1]
        columns, gutter = self.geometry.columns, self.geometry.gutter
        lanes = self.geometry.lanes(columns, needed)
        if lanes <= columns:
            return None
        return (self.geometry.span_width(columns) - (lanes - 1) * gutter) / lanes

    def head(self, item: _Item, span: int) -> Head:
        rank = "continuation" if item.part else item.rank
        key = (item.section, rank, span)
        if key not in self._heads:
            self._heads[key] = _head(
                self.issue.sections[item.section], self.geometry, self.style, self.typesetter, rank, span
            )
        return self._heads[key]

    def block(self, item: _Item, page: int, rows: int) -> Block:
        """What page makeup needs of ``item`` on page ``page`` of ``rows`` rows: the widths it may take and
        its depths at each, by its kind, rank and length."""
        key = (item.section, item.part, len(item.rows), page, rows)
        if key not in self._blocks:
            self._blocks[key] = self._block(item, page, rows)
        return self._blocks[key]

    def _block(self, item: _Item, page: int, rows: int) -> Block:
        section = self.issue.sections[item.section]
        columns = self.geometry.columns
        widest = max(1, math.ceil(columns * LEAD_SHARE))
        widths: Sequence[int]
        if section.kind is SectionKind.NOTES and section.characters >= SHORT_STORY:
            widths = range(columns, columns + 1)  # the edition's notes stand across the foot of the page
        elif page == 1 and section.lead and not item.part and section.characters >= SHORT_STORY:
            # a lead of a few lines (OCR's banner over a weather line) is set as the short story it is
            widths = range(widest, columns + 1)
        else:
            widths = range(1, columns + 1)
        if item.lane is not None:  # a list takes only the widths that hold more of its lanes than page columns
            widths = [w for w in widths if self.geometry.lanes(w, item.lane) > w] or [columns]
        if item.photo:
            return Block(tuple(s for s in (self._photo_shape(item, w, rows) for w in widths) if s), headed=False)
        if item.briefs:
            return Block(tuple(self._briefs_shape(item, w) for w in widths if w <= 2), headed=False)
        short = not item.part and section.characters < SHORT_STORY
        run_on = bool(item.part) and page in self.issue.source_pages(item.section)
        shapes = []
        for width in widths:
            shape = self._text_shape(item, width, page, rows)
            # it would spread into a few lines; but the rest of a story its source runs over onto this page may
            # stand across its top, where no headline stands beside its continuation line
            thin = shape.full - shape.head < 2 * MIN_BODY_ROWS and not run_on
            if width <= 2 or not (short or thin) or width == min(widths):
                shapes.append(shape)
        # its widest shape, which fills a band alone, and the others that read best
        widest_shape, *others = sorted(shapes, key=lambda shape: -shape.width)
        likeliest = [widest_shape, *sorted(others, key=lambda shape: (shape.cost, -shape.width))[: WIDTHS_TRIED - 1]]
        return Block(
            tuple(sorted(likeliest, key=lambda shape: shape.width)),
            headed=bool(section.headline.strip()) and section.kind is not SectionKind.NOTES,
            # a story jumping a second time, or a boxed commentary jumping at all, is where readers lose their way
            cut_cost=CUT_COST * (JUMP_AGAIN if item.part or section.kind is SectionKind.COMMENTARY else 1),
            # a continuation may jump again wherever it stands, to leave its page's own stories room
            cut_anywhere=bool(item.part),
            due=section.page is not None and section.page <= page,
        )

    def _text_shape(self, item: _Item, width: int, page: int, rows: int) -> Shape:
        head = self.head(item, width).rows
        body = ([Row("jump-from")] if item.part else []) + item.rows
        lanes = self.geometry.lanes(width, item.lane)
        depth = _balanced_depth(body, lanes)
        starts = sum(1 for row in body if row.starts_paragraph)
        air = int(MAX_PARAGRAPH_AIR * starts / lanes)
        section = self.issue.sections[item.section]
        # a few lines of text below what opens it (a jump line, a byline, a subhead), and the jump line under them
        opening = next((n for n, row in enumerate(body) if row.kind == "text"), len(body))
        least_cut = MIN_BODY_ROWS + 1 + math.ceil(opening / lanes)
        if page == 1 and section.lead and not item.part:  # the lead keeps its share of the front page
            least_cut = max(least_cut, int(rows * self.style.front_story_share) - head)
        cut = (head + least_cut, head + depth - MIN_BODY_ROWS) if depth - MIN_BODY_ROWS >= least_cut else None
        return Shape(
            width,
            head,
            head + depth,
            head + depth,
            head + depth + air,
            cut,
            # the notes stand where their length puts them, their shape costing nothing
            0.0 if section.kind is SectionKind.NOTES else _aspect_cost(self.geometry, width, head + depth),
        )

    def briefs_depth(self, briefs: Sequence[_Item], width: int) -> int:
        """The depth of a group of ``briefs``: its label, then each brief's headline and text, one under another."""
        return BRIEFS_LABEL_ROWS + sum(self._brief_depth(brief, width) for brief in briefs)

    def _briefs_shape(self, item: _Item, width: int) -> Shape:
        depth = self.briefs_depth(item.briefs, width)
        air = int(
            MAX_PARAGRAPH_AIR * sum(1 for brief in item.briefs for row in brief.rows if row.starts_paragraph) / width
        )
        return Shape(width, BRIEFS_LABEL_ROWS, depth, depth, depth + air)

    def _brief_depth(self, brief: _Item, width: int) -> int:
        return self.brief_head(brief, width).rows + _balanced_depth(brief.rows, width)

    def brief_head(self, brief: _Item, width: int) -> Head:
        return self.head(replace(brief, rank="brief"), width)

    def _photo_shape(self, item: _Item, width: int, rows: int) -> Shape | None:
        head = self.head(item, width).rows
        caption = self.caption_depth(item, width)
        span, line = self.geometry.span_width(width), self.geometry.line_height
        share = self.style.photo_share
        least = max(math.ceil(span * PHOTO_ASPECT[0] / line), math.ceil(rows * share.min))
        most = min(int(span * PHOTO_ASPECT[1] / line), int(rows * share.max))
        if least > most:
            return None
        full = max(least, min(most, round(span * sum(PHOTO_ASPECT) / 2 / line)))
        return Shape(width, head, head + caption + least, head + caption + full, head + caption + most)

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

    def _body(self, section: Section, width: float) -> list[Row]:
        """The section's body rows set ``width`` pt wide: a column's, or a list's lanes'."""
        size = self.geometry.body_size
        setter = self.typesetter
        paragraphs: list[tuple[str, list[Line]]] = []
        starts: list[TextPosition] = []
        if section.byline and section.kind is not SectionKind.COMMENTARY:
            lines = _by_words(section.byline, width, size, setter)
            paragraphs.append(("byline", lines))
            starts += [TextPosition(0)] * len(lines)
        for index, block in enumerate(section.blocks):
            if block.role is BlockRole.SUBHEAD:
                kind, lines = "subhead", self._subhead(block.text, width)
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

    def _subhead(self, text: str, width: float) -> list[Line]:
        """A subhead on one line if it fits, else broken at its phrases, each set ragged."""
        size = self.geometry.body_size * SUBHEAD_SCALE
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
HEADLINE_SIZE_OF = {"brief": "continuation"}  # a brief's headline is as small as a continuation's
NOTES_LABEL_ROWS = 2  # the label over the edition's notes, with air above it


def _head(section: Section, geometry: Geometry, style: Style, typesetter: Typesetter, rank: str, span: int) -> Head:
    """The headline block; none at all for OCR text that stands under no headline; the notes' label
    (the style's wording, short enough for a row across the page) a row."""
    if section.kind is SectionKind.NOTES:
        return Head(NOTES_LABEL_ROWS, geometry.body_size, (), rank)
    width = geometry.span_width(span)
    size = 0.0
    lines: tuple[str, ...] = ()
    if section.headline.strip():
        size, lines = _fit_headline(
            section.headline_lines,
            width,
            geometry.body_size * style.headline_size[HEADLINE_SIZE_OF.get(rank, rank)],
            typesetter,
        )
    height = len(lines) * size * HEADLINE_LINE_HEIGHT
    parts: dict[str, DisplayLines] = {}
    if rank != "continuation":
        for part, (scale, leading) in HEAD_PARTS.items():
            text = getattr(section, part)
            if text and not (part == "author" and section.kind is not SectionKind.COMMENTARY):
                parts[part] = fit = display_lines(text, width, geometry.body_size * scale, typesetter)
                height += len(fit.lines) * fit.size * leading
    rows = math.ceil(height / geometry.line_height + HEAD_PADDING - 1e-6) if height else 0
    return Head(rows, round(size, 2), lines, rank, parts=parts)


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


def _flow(
    measure: _Measure, page_count: int | None, withheld: int = 0, how_much: bool = True
) -> tuple[list[Page], int]:
    """Pages for the issue's sections in reading order, and how many rows overflow the last page; with
    no ``page_count``, as many pages as the sections fill. Unless asked ``how_much``, a last page that
    cannot take whole all that is left for it is not made up: the flow stops there, overflowing by the
    rows of all that is left (whether it overflows, known without weighing any arrangement).

    Each page is made up of modules (``layout.makeup``): first what earlier pages continue on it, then
    the sections waiting, those the source puts on a later page held back for it. A page takes as many
    as it holds, the last of them cut and continued on the next page when that fills the page; the page
    before the last is made up ``withheld`` rows short, so that more goes on to the last."""
    issue, geometry = measure.issue, measure.geometry
    last = page_count or MAX_PAGES
    waiting = _gather_briefs(measure)
    carried: list[_Item] = []  # continuations, set first on the next page
    pages: list[Page] = []
    lost: list[_Item] = []

    def page_rows(number: int) -> int:
        return geometry.front_rows if number == 1 else geometry.inside_rows

    def page(number: int, pieces: Sequence[Piece]) -> Page:
        return Page(number, _page_name(issue, measure.style, number), number == 1, page_rows(number), tuple(pieces))

    while (waiting or carried) and len(pages) < last:
        number = len(pages) + 1
        front = number == 1
        rows = page_rows(number)
        held = withheld if page_count and number == page_count - 1 else 0
        offered = carried + _for_page(issue, waiting, number, MAX_OFFERED - len(carried))
        blocks = [measure.block(item, number, rows) for item in offered]
        top = len(_front_sections(issue, offered)) if front else len(carried)
        if not how_much and number == page_count and not holds_whole(blocks, geometry.columns, rows - held, front):
            break
        makeup = make_up(blocks, geometry.columns, rows - held, top, cut_any=front, or_fewer=True)
        placed = makeup.placements if makeup else ()
        if offered and not placed and number > 1:  # it fits no page: count it over and go on without it
            lost.append(offered[0])
            carried = [item for item in carried if item is not offered[0]]
            waiting = [item for item in waiting if item is not offered[0]]
            continue
        pieces: list[Piece] = []
        rests: list[_Item] = []
        for module, placement in enumerate(_spread(placed, rows)):
            item = offered[placement.block]
            if item.briefs:
                pieces += _briefs_pieces(measure, item, placement, module)
                continue
            piece, rest = _module_piece(measure, item, placement, module)
            pieces.append(piece)
            rests += [rest] if rest else []
        done = {(item.section, item.part) for item in (offered[p.block] for p in placed)}
        carried = rests + [item for item in carried if (item.section, item.part) not in done]
        waiting = [item for item in waiting if (item.section, item.part) not in done]
        pages.append(page(number, pieces))
    overflow = sum(_depth(measure, item) for item in lost + carried + waiting)
    pages += [page(number, ()) for number in range(len(pages) + 1, (page_count or 0) + 1)]
    return pages, overflow


def _spread(placements: Sequence[Placement], rows: int) -> list[Placement]:
    """The page's blank rows under its last band shared between the gaps of its bands, so that no
    blank gathers at its foot (a page of one band keeps it there)."""
    bands = max((p.band for p in placements), default=0)
    blank = rows - max((p.row + p.rows for p in placements), default=rows)
    if not bands or blank <= 0:
        return list(placements)
    return [replace(p, row=p.row + blank * p.band // bands) for p in placements]


def _front_sections(issue: Issue, offered: list[_Item]) -> list[_Item]:
    """The top of the issue, which the front page shows (its stories going on inside when they must): the
    sections up to the lead, the next story and the first photo, of those offered to it."""
    chosen: list[_Item] = []
    stories = photos = 0
    for item in offered[:4]:
        if issue.sections[item.section].kind is SectionKind.NOTES:
            break
        chosen.append(item)
        photos += item.photo
        stories += not item.photo
        if stories >= 2 and (photos or not any(other.photo for other in offered[len(chosen) : 4])):
            break
    return chosen


def _gather_briefs(measure: _Measure) -> list[_Item]:
    """The sections with each run of short stories (two or more, on one source page) gathered into groups
    of briefs: each would otherwise take a headline and a module of its own. A group holds at most
    ``MAX_BRIEFS``, and no more than two columns set a ``BRIEFS_SHARE`` of a page deep."""
    issue = measure.issue
    deepest = BRIEFS_SHARE * measure.geometry.inside_rows
    gathered: list[_Item] = []
    group: list[_Item] = []

    def close_group() -> None:
        gathered.append(_Item(group[0].section, [], "brief", briefs=tuple(group)) if len(group) > 1 else group[0])
        group.clear()

    for item in measure.items:
        section = issue.sections[item.section]
        brief = _is_brief(section, item)
        joins = (
            bool(group)
            and brief
            and len(group) < MAX_BRIEFS
            and issue.sections[group[-1].section].page == section.page
            and measure.briefs_depth([*group, item], 2) <= deepest
        )
        if group and not joins:
            close_group()
        if brief:
            group.append(item)
        else:
            gathered.append(item)
    if group:
        close_group()
    return gathered


def _is_brief(section: Section, item: _Item) -> bool:
    """A story of a few lines of a column (whatever the script: a line holds fewer Chinese characters than
    Latin letters), under a headline of its own."""
    return (
        section.kind is SectionKind.STORY
        and not section.lead
        and bool(section.headline.strip())
        and len(item.rows) <= BRIEF_LINES
        and item.lane is None
    )


def _for_page(issue: Issue, waiting: list[_Item], number: int, most: int) -> list[_Item]:
    """The sections waiting that page ``number`` may take: in reading order, up to the first the source puts
    on a later page."""
    offered = []
    for item in waiting[: max(most, 1)]:
        if (issue.sections[item.section].page or 0) > number:
            break
        offered.append(item)
    return offered


def _depth(measure: _Measure, item: _Item) -> int:
    """Rows ``item`` takes across the page: what it overflows the last page by."""
    columns = measure.geometry.columns
    if item.briefs:
        return sum(_depth(measure, brief) for brief in item.briefs)
    return measure.head(item, columns).rows + math.ceil(len(item.rows) / measure.geometry.lanes(columns, item.lane))


def _module_piece(measure: _Measure, item: _Item, placement: Placement, module: int) -> tuple[Piece, _Item | None]:
    """The piece of ``item`` that its place on the page holds, and what is left of it for a later page."""
    head = measure.head(item, placement.span)
    if item.photo:
        frame = placement.rows - head.rows - measure.caption_depth(item, placement.span)
        piece = _photo_piece(measure, item, placement.row, placement.column, placement.span, frame)
        return replace(piece, module=module), None
    piece, rest = _text_piece(
        item, head, placement.rows - head.rows, placement.row, placement.column, placement.span, measure.geometry
    )
    air = placement.rows - piece.rows
    if air > 0:
        piece = _stretched(piece, air, measure.geometry.line_height)
    return replace(piece, module=module), rest


def _balanced_depth(rows: list[Row], span: int) -> int:
    """The fewest rows deep that ``span`` columns hold all of ``rows`` in (subheads kept with their text)."""
    depth = math.ceil(len(rows) / span)
    while _fill(rows, depth, span)[1] < len(rows):
        depth += 1
    return depth


ASPECT_COST = 4.0  # rows of white a module's shape is worth per doubling beyond the reasonable


def _aspect_cost(geometry: Geometry, width: int, depth: int) -> float:
    """How far a module of ``width`` columns and ``depth`` rows is from the shapes that read well: from
    half as deep as wide to three times deeper than wide; a long story in one column costs its length."""
    ratio = depth * geometry.line_height / geometry.span_width(width)
    return ASPECT_COST * width * max(0.0, math.log2(0.5 / ratio), math.log2(ratio / 3.0))


def _briefs_pieces(measure: _Measure, group: _Item, placement: Placement, module: int) -> list[Piece]:
    """A group of briefs in its place: the first brief's headline under the group's label, each brief
    in balanced columns under the one before, the module's air given to the last."""
    pieces = []
    row = placement.row
    for number, brief in enumerate(group.briefs):
        head = measure.brief_head(brief, placement.span)
        if number == 0:
            head = replace(head, rows=head.rows + BRIEFS_LABEL_ROWS, label=True)
        piece, _ = _text_piece(
            brief, head, measure.geometry.inside_rows, row, placement.column, placement.span, measure.geometry
        )
        pieces.append(replace(piece, module=module))
        row = piece.bottom
    air = placement.row + placement.rows - row
    if air > 0:
        pieces[-1] = _stretched(pieces[-1], air, measure.geometry.line_height)
    return pieces


def _text_piece(
    item: _Item, head: Head, available: int, row: int, column: int, span: int, geometry: Geometry
) -> tuple[Piece, _Item | None]:
    """The piece of ``item`` that at most ``available`` rows of ``span`` page columns hold (in its text
    columns: theirs, or a list's lanes): all of it in balanced columns when it fits, else as much as
    fits, ending with a jump line, and what is left (which begins the next piece with one)."""
    rows = ([Row("jump-from")] if item.part else []) + item.rows
    lanes = geometry.lanes(span, item.lane)
    depth = _balanced_depth(rows, lanes)
    if depth <= available:
        columns, _ = _fill(rows, depth, lanes)
        return Piece(item.section, item.part, head, columns, depth, row, column, span, lane=item.lane), None
    columns, taken = _cut(rows, available, lanes)
    columns = columns[:-1] + (columns[-1] + (Row("jump-to"),),)
    piece = Piece(item.section, item.part, head, columns, available, row, column, span, lane=item.lane)
    return piece, item.rest(taken, rows)


def _cut(rows: list[Row], available: int, span: int) -> tuple[tuple[tuple[Row, ...], ...], int]:
    """As much of ``rows`` as ``available`` rows of ``span`` columns hold with a jump line under them, ending
    where a page may end (a row earlier where the next row would split a source line's opening, unless
    that would leave the piece no text at all)."""
    limit = len(rows)
    fullest = _fill(rows, available, span, reserve=1)
    least = 1 + (rows[0].kind == "jump-from")  # a line of text, under the jump line that continues it
    while True:
        columns, taken = _fill(rows[:limit], available, span, reserve=1)
        if taken == len(rows) or rows[taken].page_may_end_before:
            return columns, taken
        if taken <= least:
            return fullest
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
