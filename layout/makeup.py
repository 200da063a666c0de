"""Page makeup: a page's blocks in reading order, each with the shapes it may take -> the rectangles an
editor would give them on the page's grid.

A page is made up of modules: each story, photo, commentary or group of briefs a rectangle of one to
all of the page's columns, its headline across its own width. This module arranges them the way most
modular pages are built: the page is a stack of bands, one under another; a band is a row of stacks,
side by side, filling every column; a stack is modules of one width, one under another. Reading order
is band by band, stack by stack, top to bottom. A dynamic program over (blocks placed, rows used)
chooses the bands, and within a band one over (block, columns used, the rows the headlines of the stack
to the left stand in) chooses the stacks and their widths, so that:
- every stack fills its band (a story's paragraphs may take some air, a photo's frame may grow or
  shrink within its bounds); what is still left is a hole under the stack, costed, never white inside
  a module;
- no headline stands at the height of one in the stack beside it (a tombstone: at the band's top,
  where stacks open side by side, or lower, where the modules under them meet) unless nothing better
  fills the page;
- the page takes as many of the blocks offered as it can, its last module cut (to be continued on a
  later page; on a front page, or for a story already continued, any module) when that fills the page
  better than leaving the story for later.
The search is exact within that family of layouts (what it passes over could not beat the page it has
found); the costs are in rows times columns of white.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

GAP = 1  # rows between modules one under another, and between bands: the rule between them
MAX_STACK = 4  # modules one under another in one stack of a band
AIR_COST = 0.25  # a row of paragraph air in a column, against a row of white
CUT_COST = 60.0  # a story continued on a later page: its continuation's headline, two jump lines, a reader's trip
TOMBSTONE_COST = 100.0  # headlines side by side: worse than a hole four columns by fifteen rows, not half a page
HOLE_COST = 1.5  # a cell left white under a stack shorter than its band, against one at the page's foot
LEFT_COST = 1.5  # a block left for a later page, per row and column it would have filled here,
LEFT_EACH = 40.0  # and for itself, however small
DUE = 4.0  # how much more leaving a block costs when its source puts it on the page


@dataclass(frozen=True)
class Shape:
    """One width a block may take, and the depths (in rows, headline included) it may take at it."""

    width: int
    head: int  # rows of its headline block, from its top: where it could stand beside another's
    least: int  # the fewest rows it can take whole (a photo's smallest frame; a story: all of it)
    full: int  # the rows its content takes as set
    most: int  # the most rows it fills without white (a story's paragraph air, a photo's largest frame)
    # the fewest and most rows it takes cut, to be continued on a later page (what is left there must be
    # more than a few lines); None: never cut
    cut: tuple[int, int] | None = None
    cost: float = 0.0  # how much worse this width is than the block's best, in rows of white


@dataclass(frozen=True)
class Block:
    shapes: tuple[Shape, ...]
    headed: bool  # has a headline that would bump another's beside it
    cut_cost: float = CUT_COST  # cutting it: a story jumping again, or a box, costs more
    cut_anywhere: bool = False  # it may be cut wherever it stands, not only as the page's last module
    due: bool = False  # its source puts it on this page (or an earlier one): leaving it for a later page costs more


@dataclass(frozen=True)
class Placement:
    block: int  # index into the blocks offered
    row: int
    column: int
    span: int
    rows: int  # its depth on the page: a story's lines and air, a photo's frame and caption
    band: int  # which band of the page it stands in, from the top


@dataclass(frozen=True)
class Makeup:
    placements: tuple[Placement, ...]  # the blocks placed (a prefix of those offered), in reading order

    @property
    def placed(self) -> int:
        return len(self.placements)


def make_up(
    blocks: Sequence[Block],
    columns: int,
    rows: int,
    at_least: int = 0,
    cut_any: bool = False,
    or_fewer: bool = False,
) -> Makeup | None:
    """The best arrangement of a prefix of ``blocks`` (at least ``at_least`` of them) on a page of
    ``columns`` by ``rows``; when not even that many fit, the best of any prefix if ``or_fewer``, else
    None. Only the page's last module may be cut, unless ``cut_any`` (a front page, whose stories go on
    inside)."""
    search = _Search(tuple(blocks), columns, rows, cut_any)
    return search.best(at_least) or (search.best(0) if or_fewer else None)


def holds_whole(blocks: Sequence[Block], columns: int, rows: int, cut_any: bool = False) -> bool:
    """Whether the page of ``columns`` by ``rows`` can take every one of ``blocks`` whole, none cut and none
    left, in some arrangement ``make_up`` weighs: when not, the page it makes up cuts or leaves one, and
    that is known without weighing any arrangement (a few hundredths of the time on a busy page)."""
    return _Search(tuple(blocks), columns, rows, cut_any).holds_whole()


class _Stack(NamedTuple):  # made by the hundred thousand: a tuple is quicker to make than a frozen dataclass
    first: int
    end: int
    width: int
    depths: tuple[int, ...]  # each module's rows
    cost: float
    heads: tuple[tuple[int, int], ...]  # the rows its modules' headlines take, from the band's top, end excluded
    beside: tuple[tuple[int, int], ...]  # its headlines as the stack to its right meets them (``_as_neighbour``)


# The cheapest ways to fill the rest of a band, by the block each ends before: what it costs, its first
# stack and the ways on from that stack (None: the stack ends the band). Only the chosen one is spelled
# out as stacks (``_spelled``), so that the search does not copy the others.
_Ways = dict[int, tuple[float, _Stack, "_Ways | None"]]
# The bands above a row of the page: the last band (its top, height and stacks) and those above it.
_Bands = tuple["_Bands", tuple[int, int, _Ways, int]] | None


class _Search:
    def __init__(self, blocks: tuple[Block, ...], columns: int, rows: int, cut_any: bool) -> None:
        self.blocks, self.columns, self.rows, self.cut_any = blocks, columns, rows, cut_any
        self.shape = [{shape.width: shape for shape in block.shapes} for block in blocks]
        self._shape_runs: dict[tuple[int, int, int], list[Shape] | None] = {}
        self._band = cache(self._band_uncached)
        self._stack = cache(self._stack_uncached)
        self._stacks_at = cache(self._stacks_at_uncached)
        self._heights = cache(self._band_heights)
        self._whole_band = cache(self._whole_band_uncached)

    def best(self, at_least: int) -> Makeup | None:
        n, rows = len(self.blocks), self.rows
        # reach[(i, r)]: the cheapest bands holding blocks [0, i) in the top r rows (gaps included)
        reach: dict[tuple[int, int], tuple[float, _Bands]] = {(0, 0): (0.0, None)}
        best: tuple[float, _Bands] | None = None
        # what leaving blocks [i, n) for a later page costs: more than the white they would have filled here
        areas = [
            min(min(s.full * s.width for s in block.shapes), rows * self.columns) * (DUE if block.due else 1)
            for block in self.blocks
        ]
        left = [sum(LEFT_COST * area + LEFT_EACH for area in areas[i:]) for i in range(n + 1)]
        least_to_end = self._least_to_end(left, at_least)
        for r in range(rows + 1):
            for i in range(n + 1):
                state = reach.get((i, r))
                if state is None:
                    continue
                cost, bands = state
                if best is not None and cost + least_to_end(i, r) >= best[0]:
                    continue  # no way on from here costs less than the page already found
                top = r + (GAP if r else 0)
                # the page ends here: the last band takes the rows left (or they stay white)
                if i >= at_least:
                    white = float((rows - r) * self.columns) if r < rows else 0.0
                    if best is None or cost + white + left[i] < best[0]:
                        best = (cost + white + left[i], bands)
                if i < n and top < rows:
                    ways = self._band(i, 0, (), rows - top, True)
                    for j, (band_cost, _, _) in ways.items():
                        if j >= at_least and (best is None or cost + band_cost + left[j] < best[0]):
                            best = (cost + band_cost + left[j], (bands, (top, rows - top, ways, j)))
                    for height in self._heights(i):
                        if top + height + GAP >= rows:
                            continue
                        ways = self._band(i, 0, (), height, False)
                        for j, (band_cost, _, _) in ways.items():
                            key = (j, top + height)
                            total = cost + band_cost
                            if key not in reach or total < reach[key][0]:
                                reach[key] = (total, (bands, (top, height, ways, j)))
        if best is None:
            return None
        return Makeup(self._placements(best[1]))

    def holds_whole(self) -> bool:
        n, rows = len(self.blocks), self.rows
        reach = {(0, 0)}
        for r in range(rows + 1):
            for i in range(n + 1):
                if (i, r) not in reach:
                    continue
                top = r + (GAP if r else 0)
                if i == n or (top < rows and n in self._whole_band(i, 0, rows - top, True)):
                    return True
                for height in self._heights(i):
                    if top + height + GAP < rows:
                        reach |= {(j, top + height) for j in self._whole_band(i, 0, height, False)}
        return False

    def _whole_band_uncached(self, first: int, column: int, height: int, last: bool) -> frozenset[int]:
        """The blocks a band ``height`` deep may end before, filling columns [column, all) from block
        ``first`` with none of them cut (in the page's ``last`` band, or as many columns of it as they fill)."""
        ends: set[int] = set()
        for end in range(first + 1, min(first + MAX_STACK, len(self.blocks)) + 1):
            for width in self.shape[first]:
                if column + width > self.columns or self._stack(first, end, width, height, False, last) is None:
                    continue
                closes = column + width == self.columns
                if closes or last:
                    ends.add(end)
                if not closes:
                    ends |= self._whole_band(end, column + width, height, last)
        return frozenset(ends)

    def _least_to_end(self, left: list[float], at_least: int) -> Callable[[int, int], float]:
        """The least the rest of the page can cost once blocks [0, i) fill its top r rows: each cell of the
        rows left that the blocks still to place cannot fill (at their deepest, with the gap under each)
        is white, and each block not placed is left for a later page. A band costs at least the white it
        leaves, so this never exceeds a band's cost and the least after it: the states it rules out
        could not have made the page the search finds, and ruling them out leaves that page as it was."""
        fills = [0]
        for block in self.blocks:
            fills.append(fills[-1] + max((shape.most + GAP) * shape.width for shape in block.shapes))
        n, columns, rows = len(self.blocks), self.columns, self.rows

        @cache
        def least_to_end(i: int, r: int) -> float:
            white = (rows - r) * columns + fills[i]
            return min(left[j] + max(0, white - fills[j]) for j in range(max(i, at_least), n + 1))

        return least_to_end

    def _placements(self, chosen: _Bands) -> tuple[Placement, ...]:
        bands: list[tuple[int, int, tuple[_Stack, ...]]] = []
        while chosen is not None:
            chosen, (top, height, ways, end) = chosen
            bands.insert(0, (top, height, _spelled(ways, end)))
        placements = []
        for band, (top, _, stacks) in enumerate(bands):
            column = 0
            for stack in stacks:
                row = top
                for index, depth in zip(range(stack.first, stack.end), stack.depths, strict=True):
                    placements.append(Placement(index, row, column, stack.width, depth, band))
                    row += depth + GAP
                column += stack.width
        return tuple(placements)

    def _band_heights(self, first: int) -> set[int]:
        """The depths a band beginning with ``first`` may take: those of its first stack, full or aired."""
        if not (self.cut_any or any(block.cut_anywhere for block in self.blocks[first : first + MAX_STACK])):
            return self._stack_depths(first)
        # where stories may be cut, a band may be as deep as any of the stacks that follow, or leave
        # the page's last band the depth of one of them
        heights = set()
        for start in range(first, min(first + MAX_STACK, len(self.blocks))):
            depths = self._stack_depths(start)
            heights |= depths | {self.rows - GAP - depth for depth in depths if start > first}
        return {height for height in heights if 0 < height < self.rows}

    def _stack_depths(self, first: int) -> set[int]:
        """The depths of the stacks that may begin with block ``first``: as set, and a photo's least and most."""
        depths = set()
        for end in range(first + 1, min(first + MAX_STACK, len(self.blocks)) + 1):
            for width in self.shape[first]:
                shapes = self._shapes(first, end, width)
                if shapes is not None:
                    gaps = GAP * (end - first - 1)
                    depths.add(sum(s.full for s in shapes) + gaps)
                    if any(s.least < s.full for s in shapes):
                        depths |= {sum(getattr(s, depth) for s in shapes) + gaps for depth in ("least", "most")}
        return depths

    def _shapes(self, first: int, end: int, width: int) -> list[Shape] | None:
        key = (first, end, width)
        if key not in self._shape_runs:
            shapes = [self.shape[i].get(width) for i in range(first, end)]
            self._shape_runs[key] = None if any(s is None for s in shapes) else shapes  # type: ignore[assignment]
        return self._shape_runs[key]

    def _band_uncached(
        self, first: int, column: int, left: tuple[tuple[int, int], ...], height: int, last: bool
    ) -> _Ways:
        """The cheapest stacks filling columns [column, all) of a band ``height`` deep, from block ``first``,
        by the block each ends before; ``left``: the rows the headlines of the stack beside them on the left
        take (each of theirs that stands at the height of one of those is a tombstone: at the band's top,
        where stacks open side by side, or lower, where modules under them meet); in the page's ``last`` band
        the rightmost stack may end with a cut block."""
        found: _Ways = {}
        for stack, closes, short in self._stacks_at(first, column, height, last):
            cost = stack.cost + TOMBSTONE_COST * _side_by_side(left, stack.heads) if left else stack.cost
            if short is not None:
                # the page's last band may end short of the page's width, the columns to the right left white
                ending = cost + short
                was = found.get(stack.end)
                if was is None or ending < was[0]:
                    found[stack.end] = (ending, stack, None)
            if closes:
                continue
            rest = self._band(stack.end, column + stack.width, stack.beside, height, last)
            for j, (rest_cost, _, _) in rest.items():
                total = cost + rest_cost
                was = found.get(j)
                if was is None or total < was[0]:
                    found[j] = (total, stack, rest)
        return found

    def _stacks_at_uncached(
        self, first: int, column: int, height: int, last: bool
    ) -> tuple[tuple[_Stack, bool, float | None], ...]:
        """The stacks from block ``first`` that may stand at ``column`` in a band ``height`` deep, in the
        order the search weighs them: each with whether it closes the band, and what the columns right of
        it cost left white when the band may end with it (None: it may not)."""
        found = []
        for end in range(first + 1, min(first + MAX_STACK, len(self.blocks)) + 1):
            for width in self.shape[first]:
                if column + width > self.columns:
                    continue
                closes = column + width == self.columns
                may_cut = self.cut_any or self.blocks[end - 1].cut_anywhere or (last and closes)
                stack = self._stack(first, end, width, height, may_cut, last)
                if stack is not None:
                    short = (self.columns - column - width) * height * HOLE_COST if closes or last else None
                    found.append((stack, closes, short))
        return tuple(found)

    def _stack_uncached(
        self, first: int, end: int, width: int, height: int, may_cut: bool, at_foot: bool
    ) -> _Stack | None:
        """Blocks [first, end) one under another, ``width`` wide, filling ``height`` rows: each at its
        full depth, then photos shrunk or grown and stories aired, and the last one cut when it may; what
        is still left is white under the last. None when they cannot fill it."""
        shapes = self._shapes(first, end, width)
        if shapes is None:
            return None
        depths = [s.full for s in shapes]
        cost = sum(s.cost for s in shapes)
        short = sum(depths) - (height - GAP * (end - first - 1))
        if short > 0:
            for k, shape in enumerate(shapes):  # too deep: photos give up frame first
                give = min(short, shape.full - shape.least)
                depths[k] -= give
                short -= give
                if short <= 0:
                    break
            if short > 0:
                last = shapes[-1]
                if not may_cut or last.cut is None or not last.cut[0] <= depths[-1] - short <= last.cut[1]:
                    return None
                depths[-1] -= short
                cost += self.blocks[end - 1].cut_cost
                short = 0
        extra = -short
        if extra:
            for k, shape in enumerate(shapes):  # too shallow: photos grow and stories take air
                take = min(extra, shape.most - depths[k])
                if take:
                    depths[k] += take
                    extra -= take
                    if shape.least == shape.full:
                        cost += AIR_COST * take * width
            # what is still left stays white under the stack: a hole in the page, worse inside it than at its foot
            if extra:
                cost += extra * width * (1.0 if at_foot else HOLE_COST)
        heads = []
        top = 0
        for depth, shape, block in zip(depths, shapes, self.blocks[first:end]):
            if block.headed:
                heads.append((top, top + shape.head))
            top += depth + GAP
        return _Stack(first, end, width, tuple(depths), cost, tuple(heads), _as_neighbour(heads))


def _spelled(ways: _Ways, end: int) -> tuple[_Stack, ...]:
    """The stacks of the cheapest way in ``ways`` to the band's end before block ``end``."""
    stacks = []
    following: _Ways | None = ways
    while following is not None:
        _, stack, following = following[end]
        stacks.append(stack)
    return tuple(stacks)


def _as_neighbour(heads: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """A stack's headlines as the stack to its right meets them: one at the band's top meets only another
    there (those under it stand below a headline and lines of text), so its depth is left out; the search's
    tables then hold one entry for every stack that opens with a headline and has none lower."""
    return tuple((0, 1) if top == 0 else (top, end) for top, end in heads)


@cache  # few distinct pairs: a page's stacks have a handful of headline patterns
def _side_by_side(left: tuple[tuple[int, int], ...], right: tuple[tuple[int, int], ...]) -> int:
    """How many headlines of two neighbouring stacks stand at one height: pairs whose rows overlap."""
    if not left or not right:
        return 0
    return sum(1 for top, end in right for other_top, other_end in left if top < other_end and other_top < end)
