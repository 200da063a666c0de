"""Page makeup (issue 10): a page's blocks, each with the widths and depths it may take, arranged as
modules in bands of stacks (layout.makeup); and how few grids the fitter makes up (layout.plan)."""

from __future__ import annotations

from layout.makeup import GAP, Block, Makeup, Shape, holds_whole, make_up
from layout.plan import _most_open_holding


def story(*shapes: tuple[int, int, int], cut: bool = False, headed: bool = True) -> Block:
    """A story's block from (width, headline rows, full depth) triples; ``cut``: it may be cut to half."""
    return Block(
        tuple(
            Shape(width, head, full, full, full, (head + 3, full - 3) if cut else None) for width, head, full in shapes
        ),
        headed=headed,
    )


def cells(makeup: Makeup) -> set[tuple[int, int]]:
    taken: set[tuple[int, int]] = set()
    for p in makeup.placements:
        for row in range(p.row, p.row + p.rows):
            for column in range(p.column, p.column + p.span):
                assert (row, column) not in taken, "modules overlap"
                taken.add((row, column))
    return taken


def test_stories_side_by_side_fill_a_band_and_the_next_band_stands_under_it() -> None:
    """issue 10: two pieces of one depth share a band; a third spans the page under them."""
    blocks = [story((2, 0, 10), headed=False), story((2, 0, 10), headed=False), story((4, 2, 9))]
    makeup = make_up(blocks, columns=4, rows=20)
    assert makeup is not None and makeup.placed == 3
    first, second, third = makeup.placements
    assert (first.row, first.column, first.span) == (0, 0, 2)
    assert (second.row, second.column, second.span) == (0, 2, 2)
    assert (third.row, third.column, third.span) == (10 + GAP, 0, 4)
    assert len(cells(makeup)) == 4 * 20 - 4 * GAP  # full but for the rule between the bands


def test_headlines_are_not_set_side_by_side_when_a_photo_can_stand_beside_one() -> None:
    """issue 10: stories stand beside a photo rather than beside another story's headline (a tombstone)."""
    photo = Block((Shape(2, 1, 6, 10, 14),), headed=False)
    blocks = [story((2, 2, 10), (4, 2, 6)), photo, story((2, 2, 10), (4, 2, 6))]
    makeup = make_up(blocks, columns=4, rows=17)
    assert makeup is not None and makeup.placed == 3
    assert len(cells(makeup)) == 4 * 17 - 4 * GAP
    stories = [p for p in makeup.placements if blocks[p.block].headed]
    assert all(a.row != b.row for a in stories for b in stories if a is not b)


def test_an_empty_page_is_worse_than_headlines_side_by_side() -> None:
    """issue 10: when nothing else fills the page, two stories stand side by side."""
    makeup = make_up([story((2, 2, 20)), story((2, 2, 20))], columns=4, rows=20)
    assert makeup is not None and makeup.placed == 2


def test_only_the_pages_last_module_is_cut_and_it_fills_the_page() -> None:
    """issue 10: a story too long for what is left of the page is cut to fill it, and is the last placed."""
    blocks = [story((4, 2, 8)), story((4, 2, 40), cut=True), story((4, 2, 8))]
    makeup = make_up(blocks, columns=4, rows=20)
    assert makeup is not None and makeup.placed == 2
    last = makeup.placements[-1]
    assert last.block == 1 and last.row + last.rows == 20 and last.rows < 40


def test_a_page_with_too_little_leaves_its_foot_white_not_its_modules() -> None:
    """issue 10: a short story on a deep page is as deep as its text; the white is under it."""
    makeup = make_up([story((1, 2, 6), (2, 2, 4))], columns=2, rows=30)
    assert makeup is not None and makeup.placed == 1
    assert makeup.placements[0].rows in (4, 6)


def test_a_page_takes_at_least_what_it_must_or_says_it_cannot() -> None:
    """issue 10: continuations carried to a page must all stand on it; None when they cannot."""
    too_deep = [story((2, 2, 30)), story((2, 2, 30))]
    assert make_up(too_deep, columns=2, rows=20, at_least=2) is None
    makeup = make_up(too_deep, columns=4, rows=40, at_least=2)
    assert makeup is not None and makeup.placed == 2


def test_headlines_under_the_bands_top_do_not_meet_beside_each_other_either() -> None:
    """issue 10: stacks side by side whose second modules' headlines would stand at one height are a
    tombstone as much as two at the band's top: the search avoids it as it does those."""
    boxes = [Block((Shape(1, 0, 6, 6, 6),), headed=False) for _ in range(2)]
    blocks = [boxes[0], story((1, 2, 6)), boxes[1], story((1, 2, 6))]
    makeup = make_up(blocks, columns=2, rows=13)
    assert makeup is not None
    heads = [(p.column, p.row) for p in makeup.placements if blocks[p.block].headed]
    assert not any(a != b and abs(a[0] - b[0]) == 1 and abs(a[1] - b[1]) < 2 for a in heads for b in heads)


def test_the_search_chooses_as_it_did_before_it_was_pruned() -> None:
    """issue 10: the bounds that make the search fast rule out only what cannot win, so a front page of
    stories that may be cut, a photo that may grow and a headless piece is made up as the unpruned
    search made it up (these placements were recorded from it)."""

    def shaped(*shapes: tuple[int, int, int, float], cut: bool = False, headed: bool = True) -> Block:
        return Block(
            tuple(Shape(w, h, f, f, f + 2, (h + 3, f - 3) if cut else None, cost) for w, h, f, cost in shapes),
            headed=headed,
        )

    photo = Block((Shape(2, 1, 8, 11, 15), Shape(3, 1, 10, 14, 18, None, 1.5)), headed=False)
    blocks = [
        shaped((3, 3, 24, 0.0), (5, 3, 15, 2.5), cut=True),
        shaped((2, 2, 18, 0.0), (3, 2, 12, 0.75), cut=True),
        photo,
        shaped((1, 2, 20, 0.5), (2, 2, 11, 0.0)),
        shaped((2, 2, 9, 0.0), (3, 2, 7, 1.25)),
        shaped((1, 1, 6, 0.0), (2, 1, 4, 0.0), headed=False),
        shaped((2, 2, 16, 0.0), (3, 2, 11, 0.0), cut=True),
        shaped((1, 2, 12, 0.0), (2, 2, 7, 0.25)),
        shaped((2, 3, 21, 0.0), (4, 3, 11, 1.0), cut=True),
    ]
    makeup = make_up(blocks, columns=5, rows=46, at_least=2, cut_any=True, or_fewer=True)
    assert makeup is not None
    assert [(p.block, p.row, p.column, p.span, p.rows, p.band) for p in makeup.placements] == [
        (0, 0, 0, 5, 11, 0),
        (1, 12, 0, 3, 12, 1),
        (2, 12, 3, 2, 12, 1),
        (3, 25, 0, 2, 11, 2),
        (4, 37, 0, 2, 9, 2),
        (5, 25, 2, 2, 4, 2),
        (6, 30, 2, 2, 16, 2),
        (7, 25, 4, 1, 14, 2),
    ]


def test_the_fitter_makes_up_few_grids_to_find_the_most_open_that_holds() -> None:
    """issue 10: each grid tried is a page makeup, so the fitter passes over a size whose tightest leading
    does not hold the issue and halves the leadings of the size whose tightest does; with 3 sizes of 4
    leadings where grids 6.. hold, it finds grid 6 without making up most of the others."""
    tried: list[int] = []

    def holds(index: int) -> bool:
        tried.append(index)
        return index >= 6

    assert _most_open_holding(0, 12, 4, holds) == 6
    assert len(tried) < 6 and 5 in tried  # the grid just before, the one more open, was found not to hold
    assert _most_open_holding(4, 12, 4, lambda index: True) == 4  # where the search begins holds: nothing else tried


def test_whether_a_page_takes_every_block_whole_is_known_without_weighing_arrangements() -> None:
    """issue 10: the fitter asks of a last page only whether it takes all that is left whole; when it
    cannot, the page make_up finds cuts or leaves a block."""
    blocks = [story((4, 2, 12)), story((2, 2, 14), (4, 2, 8), cut=True), story((2, 2, 14), (4, 2, 8))]
    assert holds_whole(blocks, columns=4, rows=29)  # a band of the first, one of the other two side by side
    assert not holds_whole(blocks, columns=4, rows=25)
    makeup = make_up(blocks, columns=4, rows=25, cut_any=True, or_fewer=True)
    assert makeup is not None
    full = {
        (p.block, p.span): next(s.full for s in blocks[p.block].shapes if s.width == p.span) for p in makeup.placements
    }
    assert makeup.placed < 3 or any(p.rows < full[p.block, p.span] for p in makeup.placements)
