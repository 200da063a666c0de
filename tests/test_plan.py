"""The planner: every line of every section placed once, in order, on exactly the issue's pages,
with jumps that point where the story goes on; no render needed."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from layout.errors import FitError
from layout.model import SectionKind, TextPosition
from layout.plan import SHORT_STORY, UNDERFULL, Plan, plan_issue
from layout.readers.parse import parse_issue
from layout.style import load_style
from layout.typeset import Typesetter

SAMPLE = Path(__file__).resolve().parent.parent / "issues" / "zhaotong-2023-11-15.md"


@pytest.fixture(scope="module")
def issue():
    return parse_issue(SAMPLE)


@pytest.fixture(scope="module")
def plan(issue) -> Plan:
    style = load_style()
    return plan_issue(issue, style, style.paper("a4"), issue.page_count)


def placed_text(plan: Plan, section: int) -> str:
    """A section's text as the plan sets it, part after part, column after column."""
    parts = sorted((piece.part, piece) for page in plan.pages for piece in page.pieces if piece.section == section)
    return "".join(
        row.line.text for _, piece in parts for column in piece.columns for row in column if row.line is not None
    )


def test_the_sample_is_planned_on_exactly_its_four_pages(plan):
    assert [page.number for page in plan.pages] == [1, 2, 3, 4]
    assert plan.pages[0].front and not any(page.front for page in plan.pages[1:])


def test_every_line_of_every_section_is_placed_once_in_order(issue, plan):
    for index, section in enumerate(issue.sections):
        expected = "".join(
            filter(
                None,
                [
                    section.byline if section.kind is not SectionKind.COMMENTARY else None,
                    section.caption,
                    section.credit,
                ],
            )
        )
        expected += "".join(block.text for block in section.blocks)
        assert placed_text(plan, index).replace(" ", "") == expected.replace(" ", "")


def test_the_front_page_holds_the_lead_the_next_story_and_the_photo(issue, plan):
    front = {piece.section for piece in plan.pages[0].pieces}
    kinds = [issue.sections[i].kind for i in sorted(front)]
    assert issue.sections[0].lead and 0 in front
    assert kinds.count(SectionKind.STORY) >= 2 and SectionKind.PHOTO in kinds
    assert any(piece.continued_to for piece in plan.pages[0].pieces)  # the start of more


def test_each_piece_says_where_its_text_begins_in_its_section(issue, plan):
    """item 8.13: every body line knows its place in its block's text, so the e-book can cut a
    story where the print page cuts it; a continued piece begins at its first line."""
    for page, parts in zip(plan.pages, plan.page_parts()):
        assert [(p.section, p.part) for p in parts] == sorted((p.section, p.part) for p in page.pieces)
        for piece, part in zip(sorted(page.pieces, key=lambda p: (p.section, p.part)), parts):
            rows = [row for column in piece.columns for row in column if row.kind in ("text", "subhead")]
            for row in rows:
                text = issue.sections[piece.section].blocks[row.start.block].text
                assert re.sub(r"\s+", " ", text[row.start.offset :]).startswith(row.line.text)
            assert part.start == (rows[0].start if piece.part else TextPosition(0))


def test_every_jump_points_at_the_page_where_its_story_goes_on(plan):
    where = {(piece.section, piece.part): page.number for page in plan.pages for piece in page.pieces}
    for page in plan.pages:
        for piece in page.pieces:
            if piece.continued_to:
                assert where[(piece.section, piece.part + 1)] == piece.continued_to > page.number
                assert piece.columns[-1][-1].kind == "jump-to"
            if piece.continued_from:
                assert where[(piece.section, piece.part - 1)] == piece.continued_from < page.number
                assert piece.columns[0][0].kind == "jump-from"


def test_no_piece_leaves_its_page_and_no_two_overlap(plan):
    for page in plan.pages:
        cells = set()
        for piece in page.pieces:
            assert 0 <= piece.row and piece.bottom <= page.rows
            assert all(len(column) <= piece.body_rows for column in piece.columns)
            for row in range(piece.row, piece.bottom):
                for column in range(piece.column, piece.column + piece.span):
                    assert (row, column) not in cells
                    cells.add((row, column))


def test_no_page_is_left_largely_blank(plan):
    """issue 10: modules as deep as their text leave what the text cannot fill at a page's foot, never
    more than a quarter of it."""
    assert all(page.blank_rows <= UNDERFULL * page.rows for page in plan.pages)


def test_too_much_content_is_a_fit_error_saying_how_much_is_left_over(issue):
    story = issue.sections[0]
    long = dataclasses.replace(story, blocks=story.blocks * 40)
    crowded = dataclasses.replace(issue, sections=(long, *issue.sections[1:]))
    style = load_style()
    with pytest.raises(FitError, match=r"needs at least \d+ more rows .* than 4 pages of a4 .* \(7.5pt\)") as error:
        plan_issue(crowded, style, style.paper("a4"), 4)
    assert "--pages" in str(error.value) and "--paper" in str(error.value)


def test_text_wider_than_the_pages_columns_is_a_fit_error_before_a_line_is_typeset(issue, monkeypatch):
    """issue 10: a paper far too small for the issue (the build tries papers from smaller to larger) is
    known from the text's natural width, summed, against what the pages' columns hold at the tightest grid:
    typesetting the issue to learn it cost a busy broadsheet page a third of its planning."""
    story = issue.sections[0]
    long = dataclasses.replace(story, blocks=story.blocks * 40)
    crowded = dataclasses.replace(issue, sections=(long, *issue.sections[1:]))
    style = load_style()
    typeset = []
    real = Typesetter.set_paragraph

    def counted(*args, **kwargs):
        typeset.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(Typesetter, "set_paragraph", counted)
    with pytest.raises(FitError, match=r"needs at least \d+ more rows .* than 4 pages of a4"):
        plan_issue(crowded, style, style.paper("a4"), 4)
    assert not typeset


def test_text_denser_than_the_styles_bounds_is_set_with_its_dense_preset(issue):
    """issue 9: a page of the nineteenth century held far more than a modern one; the style's dense
    preset (smaller type, tighter leading and gutters) lets it keep its own page count."""
    story = issue.sections[0]
    crowded = dataclasses.replace(
        issue, sections=(dataclasses.replace(story, blocks=story.blocks * 12), *issue.sections[1:])
    )
    style = load_style()
    dense = style.dense
    assert dense is not None
    plan = plan_issue(crowded, style, style.paper("a4"), 4)
    assert len(plan.pages) == 4
    assert dense.body_size.min <= plan.geometry.body_size < style.body_size.min
    assert plan.geometry.gutter == pytest.approx(plan.geometry.body_size * dense.gutter)


def test_a_larger_paper_takes_more_columns(issue):
    style = load_style()
    plan = plan_issue(issue, style, style.paper("a3"), 2)
    assert plan.geometry.columns == 5 and len(plan.pages) == 2


def test_a_lead_of_a_few_lines_is_set_in_one_or_two_columns_like_any_short_story(issue):
    """issue 10: OCR's banner headline over a weather line reads as a lead of one line; across three fifths
    of the front page it would stand as a line over empty columns."""
    lead = next(i for i, s in enumerate(issue.sections) if s.lead)
    weather = dataclasses.replace(issue.sections[lead].blocks[0], text="天气 晴 9至21℃")
    banner = dataclasses.replace(issue.sections[lead], blocks=(weather,))
    sections = (*issue.sections[:lead], banner, *issue.sections[lead + 1 :])
    style = load_style()
    plan = plan_issue(dataclasses.replace(issue, sections=sections), style, style.paper("a3"), 2)
    [piece] = [piece for piece in plan.pages[0].pieces if piece.section == lead]
    assert plan.geometry.columns == 5 and banner.characters < SHORT_STORY
    assert piece.span <= 2


def test_a_section_given_a_page_starts_there(issue):
    moved = tuple(dataclasses.replace(s, page=4) if s.kind is SectionKind.FEATURE else s for s in issue.sections)
    style = load_style()
    plan = plan_issue(dataclasses.replace(issue, sections=moved), style, style.paper("a4"), 4)
    feature = next(i for i, s in enumerate(issue.sections) if s.kind is SectionKind.FEATURE)
    assert feature in plan.page_sections()[3] and all(feature not in on_page for on_page in plan.page_sections()[:3])


def test_a_byline_breaks_between_its_names_not_inside_one(issue, plan):
    for page in plan.pages:
        for piece in page.pieces:
            words = set((issue.sections[piece.section].byline or "").split())
            for row in (r for column in piece.columns for r in column if r.kind == "byline"):
                assert set(row.line.text.split()) <= words


@pytest.mark.parametrize("paper, pages", [("a4", 4), ("a4", 5), ("a3", 2), ("tabloid", 2)])
def test_a_subhead_never_stands_at_a_column_foot_apart_from_its_paragraph(issue, paper, pages):
    style = load_style()
    plan = plan_issue(issue, style, style.paper(paper), pages)
    for page in plan.pages:
        for piece in page.pieces:
            filled = [column for column in piece.columns if column]
            for column in filled[:-1] if not piece.continued_to else filled:
                assert [row.kind for row in column if row.kind != "jump-to"][-1] != "subhead"


def test_pages_take_the_names_the_issue_gives_them_else_the_style_s(issue):
    named = dataclasses.replace(issue, settings=dataclasses.replace(issue.settings, page_names=("要闻", "评论")))
    style = load_style()
    plan = plan_issue(named, style, style.paper("a4"), 4)
    assert [page.name for page in plan.pages] == ["要闻", "评论", "综合", "综合"]
