"""Real days of real papers (issue 10): fixtures of whole pages as archives hold them, read as an editor
reads them — each item a section under its own headline, on the page the source names, the page count the
source's — and kept as golden models. Source and licence of each: tests/issues/days/<name>/SOURCE.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_dialects import assert_nothing_lost
from test_parse import assert_matches_golden

from layout.build import BuildOptions, make
from layout.model import Issue, to_dict
from layout.plan import SHORT_STORY, UNDERFULL, pages_filled, plan_issue
from layout.readers import read_issue
from layout.style import load_style, style_for_language
from layout.verify import verify_pdf
from layout.verify.makeup import MOST_WHITE

ROOT = Path(__file__).resolve().parent.parent
DAYS = {
    "shenbao-1880": "tests/issues/days/shenbao-1880/1880-10-4902408.txt",
    "tonopah-1916-08-02": "tests/issues/days/tonopah-1916-08-02/sn86076142-ed-1_seq-1.txt",
}
# 申報's two items its source runs over a page break
RUN_ON = ("[書劉制軍封娼寮批示後]", "[十月二十二日金苕人晉中來函]")


def stories(issue: Issue) -> list:
    return [section for section in issue.sections if section.notes is None]


@pytest.mark.parametrize("name", sorted(DAYS))
def test_each_day_matches_its_golden_model(name: str) -> None:
    """issue 10: REISSUE_ACCEPT_GOLDEN=1 rewrites the golden file after a deliberate change."""
    issue = read_issue(ROOT / DAYS[name])
    assert_matches_golden({**to_dict(issue), "source": DAYS[name]}, ROOT / "tests" / "golden" / f"day-{name}.json")


@pytest.mark.parametrize("name", sorted(DAYS))
def test_each_day_keeps_its_text_in_the_model(name: str) -> None:
    """issue 10: nothing of a real day's text is lost on the way into the model."""
    assert_nothing_lost((ROOT / DAYS[name]).read_text(encoding="utf-8"), read_issue(ROOT / DAYS[name]))


def test_a_shenbao_day_is_its_items_on_the_pages_its_markers_name() -> None:
    """issue 10: 申報, four pages of an 1880 day: 25 items under bracketed heads, each on its page, the
    booklist a list of lines (no subheads), the editorial running on across the page break."""
    issue = read_issue(ROOT / DAYS["shenbao-1880"])
    items = stories(issue)
    assert issue.masthead.page_count == 4 and len(items) == 25
    assert [sum(item.page == page for item in items) for page in (1, 2, 3, 4)] == [2, 10, 8, 5]
    assert items[0].headline == "[新印各種書籍出售價目] [  木舘發售]" and not items[0].subheadline
    assert not any(block.role.value == "subhead" for item in items for block in item.blocks)
    assert items[1].headline == "[書劉制軍封娼寮批示後]" and items[1].blocks[0].text.endswith("德盛化神之治也夫")
    assert items[-1].headline == "[題么鳯詞人返碗香手卷卽和其自度腔原調原韻　幷序]"


def test_a_daily_front_page_in_raw_ocr_is_its_stories_under_their_heads() -> None:
    """issue 10: Tonopah Daily Bonanza, 2 August 1916, page 1 as Chronicling America's OCR reads it: the
    masthead to its date line, then its telegraph and local items, each under its head and decks."""
    issue = read_issue(ROOT / DAYS["tonopah-1916-08-02"])
    items = stories(issue)
    assert (issue.masthead.title, issue.masthead.date, issue.masthead.weekday) == (
        "Tonopah Daily Bonanza",
        "1916-08-02",
        "Wednesday",
    )
    assert len(items) >= 30 and items[0].headline == "PRIVATE LETTERS"
    assert items[1].subheadline == "KAISER PLEDGES HIS WORD NOT TO INTERFERE WITH FOOD SUPPLIES"
    # the dateline's line, short for its capitals, opens a paragraph, never a subhead of its own
    assert any(block.text.startswith("SAN FRANCISCO, August 2. The county grand Jury") for block in items[0].blocks)
    assert "TONOPAH, NEVADA, WEDNESDAY EVENING, AUGUST 2. 1916" in issue.masthead.furniture  # kept as written


def test_a_story_its_source_runs_over_a_page_break_belongs_on_each_of_those_pages() -> None:
    """issue 10: 申報's editorial runs on from page 1 to page 2 and a letter from page 2 to page 3 (a page
    marker inside their text); the other items stand on one page."""
    issue = read_issue(ROOT / DAYS["shenbao-1880"])
    editorial, letter = (next(i for i, s in enumerate(issue.sections) if s.headline == h) for h in RUN_ON)
    assert issue.source_pages(editorial) == range(1, 3) and issue.source_pages(letter) == range(2, 4)
    assert [len(issue.source_pages(i)) for i in range(len(issue.sections))].count(2) == 2
    assert issue.source_pages(len(issue.sections) - 1) == range(0)  # the edition's notes: no page of the source


def test_stories_going_on_where_their_source_goes_on_keep_the_type_readable_and_the_pages_full() -> None:
    """issue 10: a plan may continue a story on the next page its source runs it over without counting it
    off its page, so 申報 is not set in smaller type to keep those stories whole, leaving pages 2 and 3 a
    third blank: every page is filled to within UNDERFULL, every story on a page its source runs it over."""
    issue = read_issue(ROOT / DAYS["shenbao-1880"])
    style = load_style(style_for_language(issue.settings.language))
    plan = plan_issue(issue, style, style.paper(None), 4)
    assert all(page.blank_rows <= UNDERFULL * page.rows for page in plan.pages)
    for page in plan.pages:
        for piece in page.pieces:
            assert issue.sections[piece.section].page is None or page.number in issue.source_pages(piece.section)
    assert any(piece.part for piece in plan.pages[1].pieces)  # the editorial goes on on page 2, as in the source


def test_the_editions_notes_when_short_stand_in_one_or_two_columns_like_a_short_story() -> None:
    """issue 10: 申報's notes quote one line (its page markers, Page 1 · Page 2 …): across the page's three
    columns that line would stand over two empty ones, a module two thirds white; set like a short story,
    in one or two columns, it fills its module."""
    issue = read_issue(ROOT / DAYS["shenbao-1880"])
    notes = len(issue.sections) - 1
    assert issue.sections[notes].notes is not None and issue.sections[notes].characters < SHORT_STORY
    style = load_style(style_for_language(issue.settings.language))
    plan = plan_issue(issue, style, style.paper(None), 4)
    assert [piece.span for page in plan.pages for piece in page.pieces if piece.section == notes] in ([1], [2])


def test_a_busy_front_page_sets_its_type_a_little_smaller_rather_than_butt_its_headlines(tmp_path: Path) -> None:
    """issue 10: Tonopah's front page holds 34 items in 8 columns, nearly all under headlines of their own.
    Modules that all open with a headline butt them wherever they stand side by side; what keeps them
    apart is a headless top between (its wire briefs, up to 24 lines each, gathered under an In Brief
    label) and room enough to stack: the fitter sets the type up to half a point smaller for it. The PDF,
    read back: every page at least 0.35 inked, no module a third empty, no short story spread over more
    than two columns, no tombstone."""
    source = ROOT / DAYS["tonopah-1916-08-02"]
    made = make(source, BuildOptions(epub=False))
    assert made.plan.geometry.body_size >= 8.0
    pdf = tmp_path / f"{source.stem}.pdf"
    pdf.write_bytes(made.files[pdf.name])
    report = verify_pdf(made.issue, pdf)
    assert report.ok, report.findings
    [page] = report.makeup
    assert (page.ink >= 0.35, page.emptiest <= MOST_WHITE, page.spread, page.tombstones) == (True, True, 0, 0)


def test_a_day_given_no_page_count_fills_every_page_it_counts() -> None:
    """issue 10: with no page count the pages are those the text fills at the style's preferred size; the
    fitter's first guess at the grid that holds them is cautious, and a grid that holds them with pages
    left largely blank says a more open one holds them too: it looks for the most open from the top.
    Tonopah's page on A4, counted 11 pages, left its last ones largely blank before."""
    issue = read_issue(ROOT / DAYS["tonopah-1916-08-02"])
    style = load_style(style_for_language(issue.settings.language))
    paper = style.paper("a4")
    plan = plan_issue(issue, style, paper, pages_filled(issue, style, paper))
    assert all(page.blank_rows <= UNDERFULL * page.rows for page in plan.pages)
