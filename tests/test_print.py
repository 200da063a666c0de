"""The print edition, read back from real PDFs: page counts, the front page, jump lines, the rules of
Chinese line breaking, justification, nothing clipped, paper sizes, bleed, metadata, the ``--html``
file, safety, and the too-much-content error.

Each issue is built once per session with WeasyPrint (``make``, nothing mocked) and its PDF read
back with pdfplumber and pypdf. Where a test must know which glyphs form a column or a line, it
takes the boxes from the plan's geometry (the same arithmetic the print templates use) and reads
the glyphs whose centres fall in them, grouped into lines by baseline.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
import weasyprint
from images import png
from pypdf import PdfReader
from pypdf.generic import Destination
from readback import document_info, glyph_lines

from layout.build import BuildOptions, Built, make
from layout.cli import main
from layout.model import Section, SectionKind
from layout.pdf import PrintOptions
from layout.plan import Page, Piece, Plan, Row
from layout.typeset import Line as TypesetLine
from layout.verify import normalize as norm  # NFKC, no white space: the PDF's spaces are positions

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "zhaotong-2023-11-15.md"
SMALL = ROOT / "tests" / "issues" / "print-small.md"  # 2 pages by its front matter; a story full of markup
IMAGE_OUTSIDE = ROOT / "tests" / "issues" / "print-image-outside.md"

NO_LINE_START = frozenset("。，、；：？！）》」』”’")
NO_LINE_END = frozenset("（《「『“‘")
MM = 72 / 25.4


# -- reading a built PDF back ----------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str
    x0: float
    x1: float
    size: float  # the size most of its glyphs have


@dataclass(frozen=True)
class Cell:
    """A box of the page's grid as the templates place it: a piece's headline block, one body
    column, or a photo's caption; in pdfplumber's coordinates (pt from the page's top left)."""

    page: int  # 1-based
    piece: Piece
    kind: str  # head | column | caption
    x0: float
    x1: float
    top: float
    bottom: float
    rows: tuple[Row, ...] = ()


@dataclass
class Rendered:
    built: Built
    pdf: Path
    chars: list[list[dict]]  # pdfplumber's glyphs, per page
    trims: list[tuple[float, float, float, float]]  # each page's TrimBox as x0, top, x1, bottom
    warnings: list[str]

    @property
    def plan(self) -> Plan:
        return self.built.plan

    @property
    def html(self) -> str:
        return self.built.files[f"{self.pdf.stem}.print.html"].decode("utf-8")

    def cells(self) -> list[Cell]:
        return [cell for page in self.plan.pages for cell in _cells(self.plan, page, self.trims[page.number - 1])]

    def lines(self, cell: Cell) -> list[Line]:
        return _lines([c for c in self.chars[cell.page - 1] if _centre_in(c, cell)])

    def section_text(self, section: int) -> str:
        """The section's text as read from its pieces' cells in reading order, jump lines left out."""
        pieces = sorted(
            (cell for cell in self.cells() if cell.piece.section == section and cell.kind != "head"),
            key=lambda cell: (cell.piece.part, cell.x0),
        )
        return "".join(
            line.text
            for cell in pieces
            for line in self.lines(cell)
            if not re.fullmatch(r"[（(][上下][接转]第\d+版[）)]", line.text)
        )


def _grid_top(plan: Plan, page: Page) -> float:
    g = plan.geometry
    return g.paper.margin + (g.masthead_height if page.front else g.folio_height)


def _cells(plan: Plan, page: Page, trim: tuple[float, float, float, float]) -> list[Cell]:
    g = plan.geometry
    left, top = trim[0] + g.paper.margin, trim[1] + _grid_top(plan, page)

    def x(column: int) -> float:
        return left + column * (g.column_width + g.gutter)

    def y(row: int) -> float:
        return top + row * g.line_height

    cells = []
    for piece in page.pieces:
        span_x1 = x(piece.column) + g.span_width(piece.span)
        body = piece.body_row
        head = piece.head_row
        cells.append(Cell(page.number, piece, "head", x(piece.column), span_x1, y(head), y(head + piece.head.rows)))
        if piece.photo_rows:
            cells.append(
                Cell(
                    page.number, piece, "caption", x(piece.column), span_x1, y(body), y(piece.bottom), piece.columns[0]
                )
            )
            continue
        for index, rows in enumerate(piece.columns):
            column = piece.column + index
            cells.append(
                Cell(
                    page.number, piece, "column", x(column), x(column) + g.column_width, y(body), y(piece.bottom), rows
                )
            )
    return cells


def _centre_in(char: dict, cell: Cell) -> bool:
    return (
        cell.x0 <= (char["x0"] + char["x1"]) / 2 <= cell.x1
        and cell.top <= (char["top"] + char["bottom"]) / 2 <= cell.bottom
    )


def _lines(chars: list[dict]) -> list[Line]:
    """Glyphs grouped into lines by their baseline, top to bottom, each line left to right."""
    out = []
    for glyphs in glyph_lines(chars):
        sizes = [round(c["size"], 2) for c in glyphs]
        out.append(
            Line(
                "".join(c["text"] for c in glyphs),
                glyphs[0]["x0"],
                max(c["x1"] for c in glyphs),
                max(set(sizes), key=sizes.count),
            )
        )
    return out


def _trim_box(page: pdfplumber.page.Page) -> tuple[float, float, float, float]:
    """The page's TrimBox as x0, top, x1, bottom: an attribute pdfplumber sets only when the PDF has one."""
    x0, top, x1, bottom = vars(page)["trimbox"]
    return float(x0), float(top), float(x1), float(bottom)


def _typeset_line(row: Row) -> TypesetLine:
    """The line the plan set in a row of text (only a jump line's row has none)."""
    assert row.line is not None, row
    return row.line


def _title(bookmark: Destination) -> str:
    """A bookmark's title: the print edition gives every bookmark one."""
    assert bookmark.title is not None, bookmark
    return bookmark.title


def _page_text(chars: list[dict]) -> str:
    return norm("".join(line.text for line in _lines(chars)))


def _render(source: Path, folder: Path, options: BuildOptions) -> Rendered:
    warnings: list[str] = []  # the session fixtures cannot use caplog: the photos' warnings are kept here
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("layout.photos")
    logger.addHandler(handler)
    try:
        built = make(source, options)
    finally:
        logger.removeHandler(handler)
    pdf = folder / f"{source.stem}.pdf"
    pdf.write_bytes(built.files[pdf.name])
    with pdfplumber.open(pdf) as document:  # pdfplumber's trim box is in its own (top-down) coordinates
        chars = [page.chars for page in document.pages]
        trims = [_trim_box(page) for page in document.pages]
    return Rendered(built, pdf, chars, trims, warnings)


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return _render(SAMPLE, tmp_path_factory.mktemp("sample"), BuildOptions(epub=False, html=True))


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The small issue with bleed and crop marks, so that every test of it also reads a bled PDF."""
    options = BuildOptions(epub=False, html=True, printing=PrintOptions(bleed="3mm", marks=True))
    return _render(SMALL, tmp_path_factory.mktemp("small"), options)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int | str | None, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def _index(sections: tuple[Section, ...], test) -> int:
    return next(i for i, section in enumerate(sections) if test(section))


# -- page counts -----------------------------------------------------------------------------------


def test_the_sample_fills_exactly_its_four_a4_pages(sample: Rendered) -> None:
    assert len(sample.chars) == 4 == len(sample.plan.pages)
    for x0, top, x1, bottom in sample.trims:
        assert (x1 - x0, bottom - top) == pytest.approx((210 * MM, 297 * MM), abs=1)
    assert all(page.pieces for page in sample.plan.pages)


def test_the_front_matter_page_count_wins_over_the_masthead(small: Rendered) -> None:
    assert small.built.issue.masthead.page_count == 2  # front matter 2, masthead 今日4版
    assert len(small.chars) == 2
    assert "今日2版" in _page_text(small.chars[0])


def test_pages_option_sets_the_page_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(
        ["build", str(SMALL), "--out", str(tmp_path), "--pages", "3", "--pdf-only", "--no-verify"], capsys
    )
    assert status == 0, err
    assert len(PdfReader(tmp_path / "print-small.pdf").pages) == 3


# -- the front page --------------------------------------------------------------------------------


def test_front_page_carries_masthead_and_the_top_of_the_issue(sample: Rendered) -> None:
    issue, plan = sample.built.issue, sample.plan
    front = plan.pages[0]
    masthead = [c for c in sample.chars[0] if c["bottom"] <= sample.trims[0][1] + _grid_top(plan, front)]
    biggest = max(c["size"] for c in masthead)
    title = "".join(c["text"] for c in sorted(masthead, key=lambda c: c["x0"]) if c["size"] == biggest)
    assert title == issue.masthead.title == "昭通日报"
    masthead_text = _page_text(masthead)
    assert "2023年11月15日" in masthead_text and "第9642期" in masthead_text

    lead = _index(issue.sections, lambda s: s.lead)
    second = _index(issue.sections, lambda s: s.kind is SectionKind.STORY and not s.lead)
    photo = _index(issue.sections, lambda s: s.kind is SectionKind.PHOTO)
    heads = {
        cell.piece.section: norm("".join(line.text for line in sample.lines(cell)))
        for cell in sample.cells()
        if cell.page == 1 and cell.kind == "head"
    }
    for index in (lead, second, photo):
        assert norm(issue.sections[index].headline) in heads.get(index, ""), issue.sections[index].headline
    caption = next(cell for cell in sample.cells() if cell.page == 1 and cell.kind == "caption")
    credit = issue.sections[photo].credit
    assert credit is not None, "the front page's photo has a credit"
    assert norm(credit) in norm("".join(line.text for line in sample.lines(caption)))
    assert re.search(r"下转第\d+版", _page_text(sample.chars[0]))


def test_the_masthead_date_stays_on_one_line(small: Rendered) -> None:
    front = small.plan.pages[0]
    masthead = [c for c in small.chars[0] if c["bottom"] <= small.trims[0][1] + _grid_top(small.plan, front)]
    assert any("2023年11月15日星期三" in norm(line.text) for line in _lines(masthead))


# -- jump lines ------------------------------------------------------------------------------------


def test_every_jump_line_names_the_page_that_answers_it(sample: Rendered) -> None:
    texts = [_page_text(chars) for chars in sample.chars]
    jumps = [(page, int(to)) for page, text in enumerate(texts, 1) for to in re.findall(r"下转第(\d+)版", text)]
    assert jumps
    for page, to in jumps:
        assert 1 <= to <= len(texts) and to != page
        assert texts[to - 1].count(f"上接第{page}版") == texts[page - 1].count(f"下转第{to}版"), (page, to)
    assert sum(len(re.findall(r"上接第\d+版", text)) for text in texts) == len(jumps)


def test_a_jumped_story_reads_on_where_it_left_off(sample: Rendered) -> None:
    issue = sample.built.issue
    jumped = {cell.piece.section for cell in sample.cells() if cell.piece.continued_to}
    assert jumped
    for index in jumped:
        section = issue.sections[index]
        expected = norm((section.byline or "") + "".join(block.text for block in section.blocks))
        parts = sorted({(cell.piece.part, cell.page) for cell in sample.cells() if cell.piece.section == index})
        for (part, page), (_, later) in zip(parts, parts[1:]):
            cells = [c for c in sample.cells() if c.piece.section == index and c.piece.part in (part, part + 1)]
            before = [line.text for c in cells if c.page == page and c.kind == "column" for line in sample.lines(c)]
            after = [line.text for c in cells if c.page == later and c.kind == "column" for line in sample.lines(c)]
            assert before[-1] == f"（下转第{later}版）" and after[0] == f"（上接第{page}版）", (before[-1], after[0])
            seam = norm(before[-2])[-6:] + norm(after[1])[:6]
            assert seam in expected, f"{section.headline}: the text does not go on across {page}->{later}: {seam}"
        assert norm(sample.section_text(index)) == expected, section.headline


# -- Chinese line breaking and justification -------------------------------------------------------


def test_no_line_starts_or_ends_with_forbidden_punctuation(sample: Rendered) -> None:
    bad = []
    count = 0
    for cell in sample.cells():
        for line in sample.lines(cell):
            count += 1
            if line.text[0] in NO_LINE_START or line.text[-1] in NO_LINE_END:
                bad.append((cell.page, line.text))
    assert count > 300  # the whole paper was read, not an empty crop
    assert not bad


def test_every_body_line_but_a_paragraphs_last_reaches_the_column_edge(sample: Rendered) -> None:
    g = sample.plan.geometry
    short, justified = [], 0
    for cell in sample.cells():
        if cell.kind != "column":
            continue
        lines = [line for line in sample.lines(cell) if line.size == pytest.approx(g.body_size, abs=0.05)]
        planned = [_typeset_line(row) for row in cell.rows if row.kind == "text"]
        assert [norm(line.text) for line in lines] == [norm(typeset.text) for typeset in planned], cell.page
        for line, typeset in zip(lines, planned):
            if typeset.last:
                continue
            justified += 1
            if cell.x1 - line.x1 > 0.15 * g.body_size or line.x1 - cell.x1 > 0.5:
                short.append((cell.page, round(cell.x1 - line.x1, 2), line.text))
    assert justified > 200
    assert not short


# -- nothing clipped or overflowing ----------------------------------------------------------------


def test_every_glyph_stands_inside_the_trim_box_and_body_text_inside_its_column(sample: Rendered) -> None:
    g = sample.plan.geometry
    outside, astray = [], []
    for page, (chars, trim) in enumerate(zip(sample.chars, sample.trims), 1):
        x0, top, x1, bottom = trim
        grid_top = top + _grid_top(sample.plan, sample.plan.pages[page - 1])
        lefts = [x0 + g.paper.margin + i * (g.column_width + g.gutter) for i in range(g.columns)]
        columns = [(left - 1, left + g.column_width + 1) for left in lefts]
        for c in chars:
            if not (x0 <= c["x0"] and c["x1"] <= x1 and top <= c["top"] and c["bottom"] <= bottom):
                outside.append((page, c["text"], round(c["x0"]), round(c["top"])))
            if c["size"] == pytest.approx(g.body_size, abs=0.05) and c["top"] >= grid_top:
                inside = any(left <= c["x0"] and c["x1"] <= right for left, right in columns)
                if not inside or c["bottom"] > bottom - g.paper.margin + 1:
                    astray.append((page, c["text"], round(c["x0"]), round(c["bottom"])))
    assert not outside
    assert not astray


# -- the too-much-content error --------------------------------------------------------------------


def test_too_much_content_fails_with_one_line_saying_what_to_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paragraph = (
        "今年以来，昭通市工信局紧扣省委“3815”战略发展目标，深入推进“产业兴市”战略，扎实做好“产”的文章，"
        "坚持“大抓产业、主攻工业”，主动靠前服务，精准谋划产业，狠抓重点项目建设服务。"
    ) * 3
    source = tmp_path / "print-too-much.md"
    source.write_text(
        "# 昭通日报\n\n2023年11月15日 星期三\n\n## 一篇很长的稿件\n\n"
        + "\n\n".join(f"第{n}段。{paragraph}" for n in range(60))
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    status, stdout, err = run(["build", str(source), "--pages", "1", "--paper", "a4", "--out", str(out)], capsys)
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err + stdout
    assert re.search(r"\d+ more rows", err) and re.search(r"\d+ characters", err)
    assert "--pages" in err and "--paper" in err and "smaller type" in err
    assert not out.exists() or not any(out.iterdir())


# -- paper, bleed and marks ------------------------------------------------------------------------


def test_the_sample_on_a3(tmp_path: Path) -> None:
    """A3 holds the sample with room to spare: the build must succeed on four A3 pages with all its
    text (the fitter cannot fill the fourth page without inventing text, and may not make it fail)."""
    rendered = _render(SAMPLE, tmp_path, BuildOptions(epub=False, paper="a3"))
    assert len(rendered.chars) == 4
    for x0, top, x1, bottom in rendered.trims:
        assert (x1 - x0, bottom - top) == pytest.approx((297 * MM, 420 * MM), abs=1)
    issue = rendered.built.issue
    for index, section in enumerate(issue.sections):
        if section.kind is not SectionKind.PHOTO:
            text = norm(
                ((section.byline or "") if section.kind is not SectionKind.COMMENTARY else "")
                + "".join(block.text for block in section.blocks)
            )
            assert norm(rendered.section_text(index)) == text, section.headline


def test_bleed_and_marks_put_the_trim_box_inside_a_larger_page(small: Rendered) -> None:
    bleed = 3 * MM
    for page in PdfReader(small.pdf).pages:
        trim, bleed_box, media = page.trimbox, page.bleedbox, page.mediabox
        assert (float(trim.width), float(trim.height)) == pytest.approx((210 * MM, 297 * MM), abs=0.5)
        assert [float(v) for v in bleed_box] == pytest.approx(
            [float(trim.left) - bleed, float(trim.bottom) - bleed, float(trim.right) + bleed, float(trim.top) + bleed],
            abs=0.1,
        )
        assert media.left <= bleed_box.left and media.bottom <= bleed_box.bottom
        assert media.right >= bleed_box.right and media.top >= bleed_box.top


# -- the PDF's metadata ----------------------------------------------------------------------------


def test_metadata_language_and_bookmarks(sample: Rendered) -> None:
    reader = PdfReader(sample.pdf)
    title = document_info(reader).title
    assert title is not None, "the PDF has a title"
    assert "昭通日报" in title and "2023年11月15日" in title and "第9642期" in title
    assert reader.root_object["/Lang"] == "zh-Hans"
    outline = reader.outline
    pages = [item for item in outline if isinstance(item, Destination)]
    assert [reader.get_destination_page_number(item) for item in pages] == [0, 1, 2, 3]
    assert [_title(item).split()[0] for item in pages] == ["第1版", "第2版", "第3版", "第4版"]
    starts = [
        next(n for n, on_page in enumerate(sample.plan.page_sections(), 1) if index in on_page)
        for index in range(len(sample.built.issue.sections))
    ]
    nested: dict[int, set[str]] = {}
    for position, item in enumerate(outline):
        if isinstance(item, list):
            bookmark = outline[position - 1]
            stories = [child for child in item if isinstance(child, Destination)]
            assert isinstance(bookmark, Destination) and stories == item  # a page's bookmark, then its stories'
            page = reader.get_destination_page_number(bookmark)
            assert page is not None, _title(bookmark)
            nested[page] = {_title(child) for child in stories}
            assert all(reader.get_destination_page_number(child) == page for child in stories)
    expected: dict[int, set[str]] = {}
    for section, page in zip(sample.built.issue.sections, starts):
        expected.setdefault(page - 1, set()).add(section.headline)
    assert nested == expected


# -- the final HTML --------------------------------------------------------------------------------


def test_the_final_html_alone_renders_the_same_pages(sample: Rendered, tmp_path: Path) -> None:
    html = tmp_path / "zhaotong-2023-11-15.print.html"
    html.write_text(sample.html, encoding="utf-8")
    alone = tmp_path / "alone.pdf"
    weasyprint.HTML(filename=html).write_pdf(alone)
    with pdfplumber.open(alone) as document:
        texts = [_page_text(page.chars) for page in document.pages]
    assert texts == [_page_text(chars) for chars in sample.chars]


# -- safety ----------------------------------------------------------------------------------------


def test_markup_in_the_text_is_printed_as_text_and_escaped_in_the_html(small: Rendered) -> None:
    index = _index(small.built.issue.sections, lambda s: "<script>" in s.headline)
    body = norm(small.section_text(index))
    for literal in ("<script>alert(1)</script>", "&amp;", '<img src="http://example.com/x.png">'):
        assert norm(literal) in body, literal
    head = next(cell for cell in small.cells() if cell.kind == "head" and cell.piece.section == index)
    assert "<script>alert(1)</script>" in "".join(line.text for line in small.lines(head))
    assert not re.search(r"<script", small.html, re.IGNORECASE)
    assert not re.search(r"<img[^>]+src=\"?https?:", small.html, re.IGNORECASE)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in small.html


def test_an_image_outside_the_issues_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["build", str(IMAGE_OUTSIDE), "--out", str(tmp_path / "out")], capsys)
    assert status == 2
    assert "outside" in err and "print-image-outside.md:" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_photo_without_its_image_builds_with_a_warning_naming_it(small: Rendered) -> None:
    assert len(small.chars) == 2
    assert any("苹果飘香 采摘忙" in warning and "no image" in warning for warning in small.warnings), small.warnings


def test_the_renderer_reads_only_the_style_and_the_issue_folders(tmp_path: Path) -> None:
    from layout.pdf import SafeFetcher

    inside = tmp_path / "issue"
    inside.mkdir()
    (inside / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / "secret.txt").write_text("no", encoding="utf-8")
    fetcher = SafeFetcher([inside])
    response = fetcher.fetch((inside / "photo.png").as_uri())
    assert response.read() == b"\x89PNG"
    response.close()
    for url in (
        (tmp_path / "secret.txt").as_uri(),
        (inside / ".." / "secret.txt").as_uri(),
        "http://example.com/x.png",
        "https://example.com/x.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


def test_a_photo_given_an_image_fills_its_frame_without_distortion(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(png(40, 10))  # 4:1, wider than any frame: cropped, never squeezed
    source = tmp_path / "print-small.md"
    source.write_text(
        (ROOT / "tests" / "issues" / "print-small.md")
        .read_text(encoding="utf-8")
        .replace(
            "---\npage_count: 2\n",
            "---\npage_count: 2\nsections:\n  - headline: 苹果飘香 采摘忙\n"
            "    image: photo.png\n    alt: 果农在苹果园里采摘\n",
            1,
        ),
        encoding="utf-8",
    )
    built = make(source, BuildOptions(epub=False))
    number, frame = next((page.number, piece) for page in built.plan.pages for piece in page.pieces if piece.photo_rows)
    width = built.plan.geometry.span_width(frame.span)
    height = frame.photo_rows * built.plan.geometry.line_height
    with pdfplumber.open(io.BytesIO(built.files["print-small.pdf"])) as pdf:
        [image] = pdf.pages[number - 1].images
    drawn_width, drawn_height = image["x1"] - image["x0"], image["bottom"] - image["top"]
    assert drawn_width / drawn_height == pytest.approx(4, rel=0.01)  # its own proportions
    assert drawn_height == pytest.approx(height, abs=0.5) and drawn_width >= width - 0.5  # covers the frame
