"""Source pages and page counts (issue 9): where the source says a piece was printed, the print edition
keeps it there; the page count is the source's, else the pages the content fills; a source that knows
its printed page's size is reissued at that size; OCR text under no headline stands without one."""

from __future__ import annotations

import dataclasses
import io
import random
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from layout.build import BuildOptions, make
from layout.model import Block, Issue, Masthead, Section, SectionKind
from layout.plan import pages_filled, plan_filled, plan_issue
from layout.readers import read_issue
from layout.style import load_style
from layout.verify import normalize
from layout.verify.pdf import verify_pdf

ROOT = Path(__file__).resolve().parent.parent
NDNP = ROOT / "tests" / "issues" / "ndnp" / "1858081301.xml"
WORDS = "The council met on Monday and voted to mend the roads before the winter comes to the valley."


def story(headline: str, paragraphs: int, *, page: int | None = None, line: int = 1) -> Section:
    blocks = tuple(Block(f"{n}. {WORDS}", line + n, line + n) for n in range(1, paragraphs + 1))
    return Section(SectionKind.STORY, headline, line, blocks=blocks, page=page)


def english(*sections: Section, page_count: int | None = None) -> Issue:
    masthead = Masthead(title="The Valley Courier", date="1911-05-19", page_count=page_count)
    lead = dataclasses.replace(sections[0], lead=True)
    return Issue("courier.md", masthead, (lead, *sections[1:]))


def test_an_issue_that_names_no_page_count_takes_the_pages_its_text_fills() -> None:
    style = load_style("gazette")
    paper = style.paper("a4")
    short = english(story("Council mends the roads", 6), story("Grange plans a fair", 4))
    long = english(*(story(f"Story {n}", 40) for n in range(1, 9)))
    assert pages_filled(short, style, paper) == 1
    assert pages_filled(long, style, paper) > 2
    assert short.page_count is None


def ocr_day(path: Path, characters: int, seed: int) -> Path:
    """A long day of OCR text as plain lines: headlines in capitals over paragraphs of 20 to 200 words,
    no page count, no page breaks (the same text for the same seed)."""
    draw = random.Random(seed)
    words = WORDS.lower().rstrip(".").split() + "of it as by she they would their been has who will more".split()
    lines, count = ["THE VALLEY COURIER.", "Vol I No 1. TUESDAY, MAY 5, 1903. PRICE ONE CENT.", ""], 0
    while count < characters:
        lines += [" ".join(draw.choice(words) for _ in range(draw.randint(3, 8))).upper() + ".", ""]
        for _ in range(draw.randint(2, 10)):
            paragraph = " ".join(draw.choice(words) for _ in range(draw.randint(20, 200))) + "."
            lines += [paragraph, ""]
            count += len(paragraph)
    path.write_text("\n".join(lines))
    return path


def test_an_issue_that_names_no_page_count_leaves_none_of_its_pages_empty(tmp_path) -> None:
    """Its pages are counted by flowing its text into their columns, but pages made up in modules can hold
    more: a day of 30,000 characters flowed onto more pages than its made-up content reaches, and the pages
    left empty failed verification. It is made up again on the pages its content reaches."""
    issue = read_issue(ocr_day(tmp_path / "courier.txt", 30_000, seed=4))
    style = load_style("gazette")
    paper = style.paper("a4")
    flowed = plan_issue(issue, style, paper, pages_filled(issue, style, paper))
    assert not all(page.pieces for page in flowed.pages), "the case: the flow's count leaves pages empty"
    plan = plan_filled(issue, style, paper)
    assert all(page.pieces for page in plan.pages)
    assert len(plan.pages) < len(flowed.pages)


def test_pieces_stay_on_the_page_the_source_names_even_when_page_one_holds_more_than_its_top() -> None:
    """The front page's top and band take at most two stories; the source put four on page 1."""
    style = load_style("gazette")
    issue = english(
        *(story(f"Front story {n}", 3, page=1, line=n * 10) for n in range(1, 5)),
        story("Inside story", 6, page=2, line=60),
        page_count=2,
    )
    plan = plan_issue(issue, style, style.paper("a4"), 2)
    assert plan.page_sections() == ((0, 1, 2, 3), (4,))


def test_a_story_the_source_puts_on_page_two_is_not_taken_for_the_front_page() -> None:
    style = load_style("gazette")
    issue = english(story("Front", 8, page=1), story("Second page", 8, page=2, line=20), page_count=2)
    plan = plan_issue(issue, style, style.paper("a4"), 2)
    assert plan.page_sections() == ((0,), (1,))


def test_a_source_that_knows_its_printed_size_is_reissued_at_that_size_with_the_nearest_papers_grid() -> None:
    style = load_style("gazette")
    paper = style.paper(None, (400.0, 590.0))  # a sheet a little larger than a broadsheet
    broadsheet = style.papers["broadsheet"]
    assert (round(paper.width / 72 * 25.4), round(paper.height / 72 * 25.4)) == (400, 590)
    assert (paper.columns, paper.margin) == (broadsheet.columns, broadsheet.margin)
    assert style.paper("a4", (489.0, 672.0)).name == "a4"  # a paper named wins


def test_ocr_text_under_no_headline_has_no_headline_block_and_is_named_by_its_opening_words() -> None:
    headless = dataclasses.replace(story("", 3), headline="")
    assert headless.label == "1. The council met on Monday and voted…"
    style = load_style("gazette")
    plan = plan_issue(english(story("Council", 4), headless, page_count=1), style, style.paper("a4"), 1)
    (piece,) = (p for p in plan.pages[0].pieces if p.section == 1)
    assert piece.head.rows == 0 and piece.head.lines == ()


def test_an_issue_its_page_count_holds_only_on_a_larger_sheet_is_set_on_the_first_that_holds_it(
    tmp_path: Path,
) -> None:
    """issue 9: no paper named and none known from the source: the style's default, else the next larger."""
    paragraphs = "\n\n".join(f"{n}. {WORDS} {WORDS}" for n in range(160))
    source = tmp_path / "courier.md"
    source.write_text(f"---\npage_count: 1\n---\n# The Valley Courier\n\n## Council mends the roads\n\n{paragraphs}\n")
    built = make(source, BuildOptions(epub=False))
    style = load_style("gazette")
    assert built.plan.geometry.paper.name != style.default_paper and len(built.plan.pages) == 1
    assert style.papers_for(None, None)[0].name == style.default_paper
    source_first = style.papers_for(None, (400.0, 590.0))  # then the larger sheets, for text old type set smaller
    assert [paper.name for paper in source_first[1:]] == ["blanket"] and source_first[0].name.startswith("the source")
    assert [paper.name for paper in style.papers_for("a3", (400.0, 590.0))] == ["a3"]


@pytest.mark.slow
def test_the_ndnp_issue_builds_on_its_two_pages_each_with_the_text_of_its_alto_page(tmp_path: Path) -> None:
    """issue 9, done when: the real 1858 NDNP issue (35,000 characters a page) builds on its own two pages;
    issue 10, done when: made up in modules, each page inked at least 0.35, no module a third empty, no
    short story spread wide, no headlines side by side."""
    issue = read_issue(NDNP)
    built = make(NDNP, BuildOptions())
    pdf = tmp_path / "ndnp.pdf"
    pdf.write_bytes(built.files["1858081301.pdf"])
    makeup = verify_pdf(issue, pdf).makeup
    assert len(makeup) == 2
    for measured in makeup:
        assert measured.ink >= 0.35 and measured.emptiest <= 1 / 3, measured
        assert (measured.spread, measured.tombstones) == (0, 0), measured
    assert len(built.plan.pages) == 2 and built.plan.geometry.body_size < load_style("gazette").body_size.min
    printed = [normalize(page.extract_text()) for page in PdfReader(io.BytesIO(built.files["1858081301.pdf"])).pages]
    for page in (1, 2):
        text = "".join(normalize(b.text) for s in issue.sections if s.page == page for b in s.blocks)
        others = printed[2 - page]
        # each page's text is found on its own page, none of it on the other
        chunks = [text[i : i + 40] for i in range(0, len(text) - 40, 400)]
        assert chunks and all(chunk in printed[page - 1] for chunk in chunks), page
        assert not any(chunk in others for chunk in chunks), page
    with zipfile.ZipFile(io.BytesIO(built.files["1858081301.epub"])) as epub:
        opf = epub.read("EPUB/content.opf").decode("utf-8")
    assert "<dc:date>1858-08-13" in opf and re.search(r"<dc:title[^>]*>Daily national Democrat,", opf)
    assert "<dc:coverage>Marysville, Calif.</dc:coverage>" in opf  # the place that qualified the MODS title
    assert normalize("Marysville, Calif.") in printed[0]


@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_no_page_ends_a_few_characters_into_a_line_of_the_source(paper: str) -> None:
    """issue 9: a story cut where a page ends is cut at least six characters into a source line (or at its
    start): the line's opening words stand whole on one page, where a reader searching the source finds them."""
    source = ROOT / "tests" / "issues" / "ocr-english" / "millbrook-sentinel-1887-10-15.md"
    issue = read_issue(source)
    style = load_style("gazette")
    for pages in (2, 3):
        plan = plan_issue(issue, style, style.paper(paper), pages)
        for part in (part for page in plan.page_parts() for part in page if part.part):
            block = issue.sections[part.section].blocks[part.start.block]
            opening = max(start for start in (0, *block.line_starts) if start <= part.start.offset)
            said = "".join(block.text[opening : part.start.offset].split())
            assert part.start.offset == opening or len(said) >= 6, (paper, pages, said)


def test_a_page_that_would_end_two_characters_into_a_source_line_ends_a_line_earlier() -> None:
    """issue 9: the cut the planner would make, with a source line said to begin two characters before it."""
    issue = read_issue(ROOT / "tests" / "issues" / "ocr-english" / "millbrook-sentinel-1887-10-15.md")
    style = load_style("gazette")
    paper = style.paper("a4")
    cut = next(part for page in plan_issue(issue, style, paper, 2).page_parts() for part in page if part.part)
    section = issue.sections[cut.section]
    block = section.blocks[cut.start.block]
    moved = dataclasses.replace(block, line_starts=(cut.start.offset - 2,))
    blocks = tuple(moved if b is block else b for b in section.blocks)
    sections = tuple(dataclasses.replace(s, blocks=blocks) if s is section else s for s in issue.sections)
    recut = next(
        part
        for page in plan_issue(dataclasses.replace(issue, sections=sections), style, paper, 2).page_parts()
        for part in page
        if (part.section, part.part) == (cut.section, cut.part)
    )
    assert recut.start.offset < cut.start.offset - 2 or recut.start.block < cut.start.block
